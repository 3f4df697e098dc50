import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

const DAY = 86_400;
let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness();
});
afterAll(async () => {
  await b.close();
});

async function me(token: string) {
  const res = await b.h.call('GET', '/v1/me', { token });
  return res.json as {
    reader: { id: string };
    membership: Record<string, unknown> & { status: string };
    entitlement: { entitled: boolean; reason: string | null };
  };
}

/** Sessions last 30 days and this story spans months of emulator time: sign in again to look. */
async function signIn(email: string) {
  const res = await b.h.call('POST', '/v1/sessions', { body: { email, password: 'pass phrase 1' } });
  expect(res.status).toBe(200);
  return res.json.session_token as string;
}

async function signUp(email: string) {
  const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(res.status).toBe(201);
  return { token: res.json.session_token as string, readerId: res.json.reader.id as string };
}

async function checkout(token: string, plan: 'monthly' | 'annual' = 'monthly') {
  const res = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan } });
  expect(res.status, res.text).toBe(200);
  return res.json.url as string;
}

async function subscriptionOf(readerId: string) {
  const rows = await b.h.ctx.db.all<{ stripe_subscription_id: string; stripe_customer_id: string }>(
    sql`SELECT stripe_subscription_id, stripe_customer_id FROM memberships WHERE reader_id = ${readerId}`,
  );
  const row = rows[0];
  if (!row) throw new Error('no membership');
  return row;
}

describe('the billing story on Node, through the Stripe emulator, on one shared clock', () => {
  it('trial → checkout (no charge until the trial ends) → paid → failed renewal → grace → lapse → paid → cancel', async () => {
    const { token, readerId } = await signUp('story@example.com');
    const fresh = async () => me(await signIn('story@example.com'));
    const trialEnd = Date.parse((await me(token)).membership.trial_ends_at as string) / 1000;

    // Checkout during the free trial: the Stripe trial ends when the free trial would have.
    const url = await checkout(token);
    expect(url).toMatch(/\/checkout\/cs_/);
    const done = await payCheckout(b.control, url);
    expect(done.ok).toBe(true);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const { stripe_subscription_id: subId, stripe_customer_id: customer } = await subscriptionOf(readerId);
    const sub = await b.stripe.subscriptions.retrieve(subId);
    expect(sub.status).toBe('trialing');
    expect(sub.trial_end).toBe(trialEnd);
    expect((await b.stripe.charges.list({ customer })).data).toHaveLength(0);
    let view = await me(token);
    expect(view.membership).toMatchObject({ status: 'active', plan: 'monthly' });
    expect(view.entitlement.entitled).toBe(true);

    // A second checkout while the subscription runs is refused: no second subscription.
    const again = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'annual' } });
    expect(again.status).toBe(409);

    // The trial ends: the first charge happens now, not before.
    await b.control.advance({ to: trialEnd + 3600 });
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const charges = await b.stripe.charges.list({ customer });
    expect(charges.data).toHaveLength(1);
    expect(charges.data[0]?.created).toBeGreaterThanOrEqual(trialEnd);
    view = await fresh();
    expect(view.membership.status).toBe('active');
    const periodEnd = Date.parse(view.membership.current_period_end as string) / 1000;
    expect(periodEnd).toBeGreaterThan(trialEnd + 27 * DAY);

    // The renewal fails: past_due, entitled through the grace period, then not.
    await b.control.failNextCharge(subId);
    await b.control.advance({ to: periodEnd + 60 });
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    view = await fresh();
    expect(view.membership.status).toBe('past_due');
    const graceUntil = Date.parse(view.membership.grace_until as string) / 1000;
    expect(graceUntil - periodEnd).toBeGreaterThanOrEqual(7 * DAY);
    expect(graceUntil - periodEnd).toBeLessThanOrEqual(7 * DAY + 120);
    expect(view.entitlement.entitled).toBe(true);
    const failedMail = await b.h.ctx.db.all<{ template: string }>(
      sql`SELECT template FROM outbox WHERE reader_id = ${readerId} AND template = 'payment_failed'`,
    );
    expect(failedMail).toHaveLength(1);

    await b.control.advance({ to: graceUntil + 60 });
    await b.deliver();
    view = await fresh();
    expect(view.entitlement).toMatchObject({ entitled: false, reason: 'payment_failed' });

    // The reader fixes the card and the open invoice is paid: entitled again, grace cleared.
    await b.control.replaceCard(customer, '4242424242424242');
    const open = await b.stripe.invoices.list({ subscription: subId, status: 'open' });
    const invoice = open.data[0];
    expect(invoice).toBeDefined();
    await b.stripe.invoices.pay(invoice?.id ?? '');
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    view = await fresh();
    expect(view.membership).toMatchObject({ status: 'active', grace_until: null });
    expect(view.entitlement.entitled).toBe(true);

    // Cancel at period end (as the billing portal does): entitled until then, not after.
    await b.stripe.subscriptions.update(subId, { cancel_at_period_end: true });
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    view = await fresh();
    expect(view.membership).toMatchObject({ status: 'canceled', cancel_at_period_end: true });
    expect(view.entitlement.entitled).toBe(true);
    const endsAt = Date.parse(view.membership.current_period_end as string) / 1000;
    await b.control.advance({ to: endsAt + 60 });
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    view = await fresh();
    expect(view.membership.status).toBe('expired');
    expect(view.entitlement).toMatchObject({ entitled: false, reason: 'canceled' });

    // Every applied event is in the reader's history, each once.
    const history = await b.h.ctx.db.all<{ id: string; n: number }>(
      sql`SELECT id, count(*) AS n FROM stripe_events WHERE reader_id = ${readerId} GROUP BY id HAVING n > 1`,
    );
    expect(history).toHaveLength(0);

    // The mails of the story, each once: welcome, a receipt per paid invoice, one cancellation.
    const mails = await b.h.ctx.db.all<{ template: string; payload: string }>(
      sql`SELECT template, payload FROM outbox WHERE reader_id = ${readerId} ORDER BY rowid`,
    );
    const templates = mails.map((m) => m.template);
    expect(templates[0]).toBe('welcome');
    expect(templates.filter((t) => t === 'cancellation')).toHaveLength(1);
    const receipts = mails.filter((m) => m.template === 'receipt');
    expect(receipts.length).toBeGreaterThanOrEqual(2);
    const { renderMail } = await import('../../src/features/mail');
    const receipt = await renderMail(b.h.ctx.config, {
      id: 'm',
      to: 'story@example.com',
      template: 'receipt',
      payload: JSON.parse(receipts[0]?.payload ?? '{}'),
    });
    expect(receipt.text).toMatch(/we received [$€£]\d+\.\d\d for your monthly OnePass membership/);
    expect(receipt.html).toContain('<a href=');
  }, 60_000);

  it('a full refund of the latest payment ends the entitlement at once', async () => {
    const { token, readerId } = await signUp('refund@example.com');
    await b.h.call('POST', `/v1/admin/members/${readerId}/trial`, {
      token: b.h.env.ADMIN_API_KEY,
      body: { ends_at: new Date((b.emulatorNow() - 60) * 1000).toISOString() },
    });
    const url = await checkout(token, 'annual');
    expect((await payCheckout(b.control, url)).ok).toBe(true);
    await b.deliver();
    expect((await me(token)).membership).toMatchObject({ status: 'active', plan: 'annual' });
    const { stripe_subscription_id: subId } = await subscriptionOf(readerId);
    await b.control.refundLatest(subId);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const view = await me(token);
    expect(view.membership.status).toBe('expired');
    expect(view.entitlement).toMatchObject({ entitled: false, reason: 'canceled' });
  }, 30_000);

  it('puts a trial-will-end mail in the outbox, once', async () => {
    const { token, readerId } = await signUp('reminder@example.com');
    const url = await checkout(token);
    await payCheckout(b.control, url);
    await b.deliver();
    const trialEnd = Date.parse((await me(token)).membership.current_period_end as string) / 1000;
    await b.control.advance({ to: trialEnd - 3 * DAY + 60 });
    await b.deliver();
    const { stripe_subscription_id: subId } = await subscriptionOf(readerId);
    const [event] = (
      await b.stripe.events.list({ type: 'customer.subscription.trial_will_end' })
    ).data.filter((e) => (e.data.object as { id: string }).id === subId);
    if (event) await b.control.redeliver(event.id);
    await b.deliver();
    const rows = await b.h.ctx.db.all<{ template: string; to_address: string }>(
      sql`SELECT template, to_address FROM outbox WHERE reader_id = ${readerId} ORDER BY rowid`,
    );
    expect(rows).toEqual([
      { template: 'welcome', to_address: 'reminder@example.com' },
      { template: 'trial_will_end', to_address: 'reminder@example.com' },
    ]);
  }, 30_000);

  it('creates one Stripe customer for concurrent first checkouts', async () => {
    const { token } = await signUp('concurrent@example.com');
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } }),
      ),
    );
    for (const r of results) expect(r.status).toBe(200);
    const customers = await b.stripe.customers.list({ email: 'concurrent@example.com' });
    expect(customers.data).toHaveLength(1);
  });

  it('opens the billing portal only for a reader with a billing account', async () => {
    const { token } = await signUp('portal@example.com');
    const none = await b.h.call('POST', '/v1/me/billing-portal', { token });
    expect(none.status).toBe(409);
    expect(none.json.code).toBe('conflict');
    await checkout(token);
    const portal = await b.h.call('POST', '/v1/me/billing-portal', { token });
    expect(portal.status).toBe(200);
    expect(portal.json.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('refuses checkout return URLs off this service and its publishers', async () => {
    const { token } = await signUp('redirect@example.com');
    const res = await b.h.call('POST', '/v1/me/checkout', {
      token,
      body: { plan: 'monthly', success_url: 'https://evil.example/phish' },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0].path).toBe('success_url');
  });
});

describe('an account deleted while its Checkout is still open', () => {
  it('gets the subscription that Checkout creates afterwards canceled at once: nobody is billed', async () => {
    const { token } = await signUp('orphan@example.com');
    const url = await checkout(token);
    const deleted = await b.h.call('DELETE', '/v1/me', { token, body: { password: 'pass phrase 1' } });
    expect(deleted.status).toBe(204);
    const done = await payCheckout(b.control, url);
    expect(done.ok).toBe(true);
    const subscriptionId = done.ok ? done.subscription.id : '';
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const sub = await b.stripe.subscriptions.retrieve(subscriptionId);
    expect(sub.status).toBe('canceled');
  });
});

describe('a customer Stripe no longer has', () => {
  it('heals: Subscribe makes a new customer instead of answering "try again" for ever', async () => {
    const { token, readerId } = await signUp('gone.customer@example.com');
    await checkout(token);
    const first = (await subscriptionOf(readerId)).stripe_customer_id;
    expect(first).toMatch(/^cus_/);
    // Deleted at Stripe, and its webhook never delivered (pull mode: nothing is pushed).
    await b.stripe.customers.del(first);

    const url = await checkout(token);
    expect(url).toMatch(/\/checkout\/cs_/);
    const second = (await subscriptionOf(readerId)).stripe_customer_id;
    expect(second).toMatch(/^cus_/);
    expect(second).not.toBe(first);
    expect((await b.stripe.customers.retrieve(second)).deleted).toBeUndefined();
  });

  it('the billing portal says so for good (409), and the next checkout makes a new customer', async () => {
    const { token, readerId } = await signUp('gone.portal@example.com');
    await checkout(token);
    const first = (await subscriptionOf(readerId)).stripe_customer_id;
    await b.stripe.customers.del(first);

    const portal = await b.h.call('POST', '/v1/me/billing-portal', { token, body: {} });
    expect(portal.status).toBe(409);
    expect(portal.json.detail).toContain('subscribe again');
    expect((await subscriptionOf(readerId)).stripe_customer_id).toBeNull();
    await checkout(token);
    expect((await subscriptionOf(readerId)).stripe_customer_id).not.toBe(first);
  });
});
