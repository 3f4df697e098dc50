/**
 * Issue 15, what real Stripe does with invoices and their charges, reproduced through the emulator
 * (which produces it) and handled on the Node door. Item 8: a refund finds its subscription as
 * Stripe's current API links them (charge → payment intent → invoice payment → invoice →
 * subscription), never through charge metadata, which real invoice charges do not carry.
 */
import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness();
});
afterAll(async () => {
  await b.close();
});

async function signUp(email: string) {
  const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(res.status).toBe(201);
  return { token: res.json.session_token as string, readerId: res.json.reader.id as string };
}

/** A reader past the free trial, so that Checkout charges at once. */
async function payingReader(email: string) {
  const reader = await signUp(email);
  const ended = await b.h.call('POST', `/v1/admin/members/${reader.readerId}/trial`, {
    token: b.h.adminKey,
    body: { ends_at: new Date((b.emulatorNow() - 60) * 1000).toISOString() },
  });
  expect(ended.status, ended.text).toBe(200);
  const started = await b.h.call('POST', '/v1/me/checkout', {
    token: reader.token,
    body: { plan: 'monthly' },
  });
  expect(started.status, started.text).toBe(200);
  expect((await payCheckout(b.control, started.json.url as string)).ok).toBe(true);
  expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
  return reader;
}

async function row(readerId: string) {
  const [found] = await b.h.ctx.db.all<{ stripe_subscription_id: string; stripe_customer_id: string }>(
    sql`SELECT stripe_subscription_id, stripe_customer_id FROM memberships WHERE reader_id = ${readerId}`,
  );
  if (!found) throw new Error('no membership');
  return found;
}

async function entitlement(token: string) {
  const res = await b.h.call('GET', '/v1/me', { token });
  return res.json as { membership: { status: string }; entitlement: { entitled: boolean } };
}

async function refundOutcomes(readerId: string) {
  return b.h.ctx.db.all<{ outcome: string }>(
    sql`SELECT outcome FROM stripe_events WHERE type = 'charge.refunded' AND reader_id = ${readerId} ORDER BY stripe_created_at`,
  );
}

describe('item 8: refunds and their subscription', () => {
  it('two subscriptions of one reader: a refund of one does not end the access the other pays for', async () => {
    const { token, readerId } = await payingReader('two-subs@example.com');
    const { stripe_subscription_id: first, stripe_customer_id: customer } = await row(readerId);

    // A second subscription for the same customer, made at Stripe (as a second Checkout does).
    const session = await b.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      line_items: [{ price: b.h.ctx.config.stripe.prices.monthly, quantity: 1 }],
      success_url: 'http://127.0.0.1:8787/account',
      client_reference_id: readerId,
    });
    expect((await payCheckout(b.control, session.url ?? '')).ok).toBe(true);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const subs = (await b.stripe.subscriptions.list({ customer, status: 'all' })).data;
    const second = subs.find((s) => s.id !== first);
    if (!second) throw new Error('no second subscription');

    // Real invoice charges carry no subscription metadata: only the invoice payment links them.
    const charges = (await b.stripe.charges.list({ customer })).data;
    expect(charges).toHaveLength(2);
    for (const charge of charges) {
      expect(charge.metadata).toEqual({});
      const payments = await b.stripe.invoicePayments.list({
        payment: { type: 'payment_intent', payment_intent: String(charge.payment_intent) },
      });
      expect(payments.data).toHaveLength(1);
      const invoice = await b.stripe.invoices.retrieve(String(payments.data[0]?.invoice));
      expect([first, second.id]).toContain(invoice.parent?.subscription_details?.subscription);
    }

    // The subscription the membership does not follow is refunded: nothing ends.
    const followed = (await row(readerId)).stripe_subscription_id;
    const other = followed === first ? second.id : first;
    // (The service may have refunded a duplicate subscription itself already: issue 15, item 3.)
    await b.control.refundLatest(other).catch((err: Error) => {
      if (!/already been refunded/.test(err.message)) throw err;
    });
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    let view = await entitlement(token);
    expect(view.entitlement.entitled).toBe(true);
    expect((await row(readerId)).stripe_subscription_id).toBe(followed);
    const outcomes = await refundOutcomes(readerId);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.outcome !== 'unchanged')).toEqual([]);

    // Then the followed one is refunded: access stays while the other still pays, else it ends.
    const otherNow: Stripe.Subscription = await b.stripe.subscriptions.retrieve(other);
    const otherPays = ['active', 'trialing', 'past_due'].includes(otherNow.status);
    await b.control.refundLatest(followed);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    view = await entitlement(token);
    expect(view.entitlement.entitled).toBe(otherPays);
    if (otherPays) expect((await row(readerId)).stripe_subscription_id).toBe(other);
    else expect(view.membership.status).toBe('expired');
  }, 60_000);

  it('a refund of the only subscription ends access; one of another reader ends nothing here', async () => {
    const alice = await payingReader('refund-alice@example.com');
    const bob = await payingReader('refund-bob@example.com');
    await b.control.refundLatest((await row(bob.readerId)).stripe_subscription_id);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    expect((await entitlement(alice.token)).entitlement.entitled).toBe(true);
    expect((await entitlement(bob.token)).entitlement.entitled).toBe(false);
    expect(await refundOutcomes(bob.readerId)).toEqual([{ outcome: 'applied' }]);
  }, 60_000);
});

describe('item 7: event payloads in the endpoint API version', () => {
  it('an endpoint on 2024-06-20 gets invoice.subscription, not parent: invoice.paid and payment_failed still match', async () => {
    await b.control.setPullApiVersion('2024-06-20');
    try {
      const reader = await signUp('old-version@example.com');
      await b.h.call('POST', `/v1/admin/members/${reader.readerId}/trial`, {
        token: b.h.adminKey,
        body: { ends_at: new Date((b.emulatorNow() - 60) * 1000).toISOString() },
      });
      const started = await b.h.call('POST', '/v1/me/checkout', {
        token: reader.token,
        body: { plan: 'monthly' },
      });
      expect((await payCheckout(b.control, started.json.url as string)).ok).toBe(true);
      const paid = (await b.control.pendingDeliveries()).find((d) => d.type === 'invoice.paid');
      if (!paid) throw new Error('no invoice.paid');
      const event = JSON.parse(paid.payload) as Stripe.Event;
      const invoice = event.data.object as unknown as Record<string, unknown>;
      expect(event.api_version).toBe('2024-06-20');
      expect(invoice.parent).toBeUndefined();
      expect(invoice.subscription).toMatch(/^sub_/);
      expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
      const subscription = (await row(reader.readerId)).stripe_subscription_id;
      expect(invoice.subscription).toBe(subscription);

      // The renewal fails: the old-shaped invoice.payment_failed starts grace and mails the reader.
      await b.control.failNextCharge(subscription);
      const sub = await b.stripe.subscriptions.retrieve(subscription);
      await b.control.advance({ to: (sub.items.data[0]?.current_period_end ?? 0) + 60 });
      const failed = (await b.control.pendingDeliveries()).find((d) => d.type === 'invoice.payment_failed');
      if (!failed) throw new Error('no invoice.payment_failed');
      const failedEvent = JSON.parse(failed.payload) as Stripe.Event;
      expect((failedEvent.data.object as unknown as Record<string, unknown>).subscription).toBe(subscription);
      expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
      const outcomes = await b.h.ctx.db.all<{ id: string; type: string; outcome: string }>(
        sql`SELECT id, type, outcome FROM stripe_events WHERE id IN (${event.id}, ${failedEvent.id})`,
      );
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['applied', 'unchanged']);
      const mails = await b.h.ctx.db.all<{ template: string }>(
        sql`SELECT template FROM outbox WHERE reader_id = ${reader.readerId} AND template = 'payment_failed'`,
      );
      expect(mails).toHaveLength(1);
      // A month has passed: sessions last 30 days, so sign in again to look.
      const signedIn = await b.h.call('POST', '/v1/sessions', {
        body: { email: 'old-version@example.com', password: 'pass phrase 1' },
      });
      const view = await entitlement(signedIn.json.session_token as string);
      expect(view.membership).toMatchObject({ status: 'past_due' });
      const graceUntil = Date.parse((view.membership as { grace_until?: string }).grace_until ?? '');
      expect(graceUntil / 1000).toBe(failedEvent.created + b.h.ctx.config.graceDays * 86_400);
    } finally {
      await b.control.setPullApiVersion(null);
    }
  }, 60_000);
});

describe('item 10: 3-D Secure on renewal', () => {
  it('with a card that asks on every payment (3184): the reader is mailed the hosted invoice link, which completes it', async () => {
    const email = 'three-ds@example.com';
    const { token, readerId } = await signUp(email);
    const started = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
    // The challenge on the Checkout page covers the card's set-up; the trial charges nothing.
    expect((await payCheckout(b.control, started.json.url as string, '4000002760003184')).ok).toBe(true);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const { stripe_subscription_id: subId } = await row(readerId);
    const sub = await b.stripe.subscriptions.retrieve(subId);

    // The trial ends: the first charge needs the cardholder, off session.
    await b.control.advance({ to: (sub.trial_end ?? 0) + 60 });
    const types = (await b.control.pendingDeliveries()).map((d) => d.type);
    expect(types).toContain('invoice.payment_action_required');
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const [invoice] = (await b.stripe.invoices.list({ subscription: subId, status: 'open' })).data;
    if (!invoice?.hosted_invoice_url) throw new Error('no open invoice with a hosted page');
    const mails = async () =>
      b.h.ctx.db.all<{ template: string; payload: string }>(
        sql`SELECT template, payload FROM outbox WHERE reader_id = ${readerId} AND template = 'payment_action_required' ORDER BY rowid`,
      );
    const [mail] = await mails();
    if (!mail) throw new Error('no payment_action_required mail');
    const payload = JSON.parse(mail.payload) as Record<string, unknown>;
    expect(payload.action_url).toBe(invoice.hosted_invoice_url);
    const { renderMail } = await import('../../src/features/mail');
    const rendered = await renderMail(b.h.ctx.config, {
      id: 'm',
      to: email,
      template: 'payment_action_required',
      payload,
    });
    expect(rendered.subject).toBe('Confirm your OnePass payment');
    expect(rendered.text).toContain(invoice.hosted_invoice_url);
    expect(rendered.text).toMatch(/confirm the payment of \$\d+\.\d\d/);
    expect(rendered.html).toContain(`<a href="${invoice.hosted_invoice_url}`);
    let view = await entitlement(token);
    expect(view.membership.status).toBe('past_due');
    expect(view.entitlement.entitled).toBe(true);

    // The reader opens the link and completes the challenge: paid, active again.
    const opened = await fetch(invoice.hosted_invoice_url);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('data-status="open"');
    const paid = await fetch(`${invoice.hosted_invoice_url}/pay`, {
      method: 'POST',
      body: new URLSearchParams({ authenticate: 'true' }),
    });
    expect(paid.status).toBe(200);
    expect(await paid.text()).toContain('data-status="paid"');
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    view = await entitlement(token);
    expect(view.membership.status).toBe('active');

    // The next renewal asks again: a second mail, for the new invoice.
    const renewed = await b.stripe.subscriptions.retrieve(subId);
    await b.control.advance({ to: (renewed.items.data[0]?.current_period_end ?? 0) + 60 });
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const both = await mails();
    expect(both).toHaveLength(2);
    expect(JSON.parse(both[1]?.payload ?? '{}').action_url).not.toBe(invoice.hosted_invoice_url);
  }, 60_000);
});
