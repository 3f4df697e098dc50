/**
 * Issue 15, item 6: card disputes, reproduced through the emulator with Stripe's dispute test card
 * (4000 0000 0000 0259: the payment succeeds, then is disputed as fraudulent) and closed with
 * Stripe's test evidence (`winning_evidence` / `losing_evidence`). Policy `end` (the default): access
 * ends and renewals stop while it is open; `grace`: access goes on for the grace days from the
 * dispute. Won restores access and renewals; lost cancels the subscription. Admins see the dispute
 * in the member's billing history.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

const DISPUTED_CARD = '4000000000000259';
const DAY = 86_400;

async function payingReader(b: BillingHarness, email: string, card: string) {
  const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(res.status).toBe(201);
  const readerId = res.json.reader.id as string;
  const ended = await b.h.call('POST', `/v1/admin/members/${readerId}/trial`, {
    token: b.h.adminKey,
    body: { ends_at: new Date((b.emulatorNow() - 60) * 1000).toISOString() },
  });
  expect(ended.status, ended.text).toBe(200);
  const token = res.json.session_token as string;
  const started = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
  expect(started.status, started.text).toBe(200);
  expect((await payCheckout(b.control, started.json.url as string, card)).ok).toBe(true);
  expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
  const [row] = await b.h.ctx.db.all<{ stripe_subscription_id: string; stripe_customer_id: string }>(
    sql`SELECT stripe_subscription_id, stripe_customer_id FROM memberships WHERE reader_id = ${readerId}`,
  );
  if (!row) throw new Error('no membership');
  return { token, readerId, subscription: row.stripe_subscription_id, customer: row.stripe_customer_id };
}

async function me(b: BillingHarness, token: string) {
  const res = await b.h.call('GET', '/v1/me', { token });
  return res.json as {
    membership: { status: string; grace_until: string | null };
    entitlement: { entitled: boolean; reason: string | null };
  };
}

async function disputeOf(b: BillingHarness, customer: string) {
  const [charge] = (await b.stripe.charges.list({ customer })).data;
  const [dispute] = (await b.stripe.disputes.list({ charge: charge?.id ?? '' })).data;
  if (!dispute) throw new Error('no dispute');
  return dispute;
}

describe('item 6: disputes, policy end (the default)', () => {
  let b: BillingHarness;
  beforeAll(async () => {
    b = await startBillingHarness();
  });
  afterAll(async () => {
    await b.close();
  });

  it('a disputed payment ends access and stops renewals; won, both come back; admins see it', async () => {
    const r = await payingReader(b, 'disputed-won@example.com', DISPUTED_CARD);
    const dispute = await disputeOf(b, r.customer);
    expect(dispute).toMatchObject({ status: 'needs_response', reason: 'fraudulent' });
    let view = await me(b, r.token);
    expect(view.membership.status).toBe('expired');
    expect(view.entitlement).toMatchObject({ entitled: false, reason: 'payment_failed' });
    let sub = await b.stripe.subscriptions.retrieve(r.subscription);
    expect(sub.cancel_at_period_end).toBe(true);
    expect(sub.metadata.onepass_dispute).toBe(dispute.id);

    const detail = await b.h.call('GET', `/v1/admin/members/${r.readerId}`, { token: b.h.adminKey });
    expect(detail.status).toBe(200);
    const events = detail.json.events as { type: string; outcome: string; status_after: string }[];
    expect(events.find((e) => e.type === 'charge.dispute.created')).toMatchObject({
      outcome: 'applied',
      status_after: 'expired',
    });

    // A later event about the subscription (here: its update) does not bring access back.
    await b.stripe.subscriptions.update(r.subscription, { metadata: { note: 'touched' } });
    await b.deliver();
    expect((await me(b, r.token)).entitlement.entitled).toBe(false);

    await b.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    expect((await b.stripe.disputes.retrieve(dispute.id)).status).toBe('won');
    view = await me(b, r.token);
    expect(view.membership.status).toBe('active');
    expect(view.entitlement.entitled).toBe(true);
    sub = await b.stripe.subscriptions.retrieve(r.subscription);
    expect(sub.cancel_at_period_end).toBe(false);
    expect(sub.metadata.onepass_dispute).toBeUndefined();
  }, 60_000);

  it('lost: the subscription is canceled and access stays ended; an undisputed reader is untouched', async () => {
    const r = await payingReader(b, 'disputed-lost@example.com', DISPUTED_CARD);
    const other = await payingReader(b, 'undisputed@example.com', '4242424242424242');
    const dispute = await disputeOf(b, r.customer);
    await b.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'losing_evidence' } });
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    expect((await b.stripe.subscriptions.retrieve(r.subscription)).status).toBe('canceled');
    expect((await me(b, r.token)).entitlement.entitled).toBe(false);
    expect((await me(b, other.token)).entitlement.entitled).toBe(true);
    expect((await b.stripe.charges.list({ customer: other.customer })).data[0]?.disputed).toBe(false);
  }, 60_000);
});

describe('item 6: disputes, DISPUTE_POLICY=grace', () => {
  let b: BillingHarness;
  beforeAll(async () => {
    b = await startBillingHarness({ DISPUTE_POLICY: 'grace' });
  });
  afterAll(async () => {
    await b.close();
  });

  it('access goes on for the grace days from the dispute, renewals too, then ends while it is open', async () => {
    const r = await payingReader(b, 'disputed-grace@example.com', DISPUTED_CARD);
    const dispute = await disputeOf(b, r.customer);
    const view = await me(b, r.token);
    expect(view.membership.status).toBe('past_due');
    expect(view.entitlement.entitled).toBe(true);
    expect(Date.parse(view.membership.grace_until ?? '') / 1000).toBe(
      dispute.created + b.h.ctx.config.graceDays * DAY,
    );
    expect((await b.stripe.subscriptions.retrieve(r.subscription)).cancel_at_period_end).toBe(false);
    await b.control.advance({ seconds: b.h.ctx.config.graceDays * DAY + 60 });
    await b.deliver();
    expect((await me(b, r.token)).entitlement).toMatchObject({ entitled: false, reason: 'payment_failed' });
  }, 60_000);
});
