/**
 * Issue 15, item 11: a plan change made with Stripe's pending updates (the Dashboard, the portal or
 * another integration: `billing_cycle_anchor[type]=now`, `payment_behavior=pending_if_incomplete`)
 * whose charge is declined leaves the subscription as it was. The service keeps the member on the
 * plan Stripe bills (active, monthly, no grace, no payment-failed mail) while the change waits,
 * moves them to the new plan when the invoice is paid (`pending_update_applied`), and leaves them
 * as they were when it expires (`pending_update_expired`).
 */
import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_PRICE_ANNUAL } from '../../tools/stripe-emulator/constants';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness();
});
afterAll(async () => {
  await b.close();
});

const noFailures = async () => expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);

/** A reader paying monthly, past the Stripe trial their checkout during the free trial got. */
async function payingMonthly(email: string) {
  const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  const token = res.json.session_token as string;
  const readerId = res.json.reader.id as string;
  const started = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
  expect((await payCheckout(b.control, started.json.url as string)).ok).toBe(true);
  await noFailures();
  const [row] = await b.h.ctx.db.all<{ sub: string; customer: string }>(
    sql`SELECT stripe_subscription_id AS sub, stripe_customer_id AS customer FROM memberships WHERE reader_id = ${readerId}`,
  );
  const sub = await b.stripe.subscriptions.retrieve(row?.sub ?? '');
  await b.control.advance({ to: (sub.trial_end ?? 0) + 60 });
  await noFailures();
  return { token, readerId, subscription: sub.id, customer: row?.customer ?? '' };
}

async function pendingSwitchToAnnual(subscription: string, customer: string): Promise<Stripe.Subscription> {
  await b.control.replaceCard(customer, '4000000000000341');
  const sub = await b.stripe.subscriptions.retrieve(subscription);
  const updated = await b.stripe.subscriptions.update(subscription, {
    items: [{ id: sub.items.data[0]?.id ?? '', price: EMULATOR_PRICE_ANNUAL }],
    billing_cycle_anchor: { type: 'now' },
    proration_behavior: 'none',
    payment_behavior: 'pending_if_incomplete',
  });
  expect(updated.pending_update).not.toBeNull();
  await noFailures();
  return updated;
}

async function membership(token: string) {
  const me = await b.h.call('GET', '/v1/me', { token });
  return me.json as { membership: Record<string, unknown>; entitlement: { entitled: boolean } };
}

const failedMails = async (readerId: string) =>
  b.h.ctx.db.all(sql`SELECT 1 FROM outbox WHERE reader_id = ${readerId} AND template = 'payment_failed'`);

describe('a pending plan change', () => {
  it('keeps the member on the plan Stripe bills while it waits, and moves them once it is paid', async () => {
    const r = await payingMonthly('pending.paid@example.com');
    const updated = await pendingSwitchToAnnual(r.subscription, r.customer);
    let view = await membership(r.token);
    expect(view.membership).toMatchObject({ status: 'active', plan: 'monthly', grace_until: null });
    expect(view.entitlement.entitled).toBe(true);
    expect(await failedMails(r.readerId)).toEqual([]);

    await b.control.replaceCard(r.customer, '4242424242424242');
    await b.stripe.invoices.pay(String(updated.latest_invoice));
    await noFailures();
    view = await membership(r.token);
    expect(view.membership).toMatchObject({ status: 'active', plan: 'annual' });
    const periodEnd = Date.parse(String(view.membership.current_period_end)) / 1000;
    expect(periodEnd).toBe(
      (await b.stripe.subscriptions.retrieve(r.subscription)).items.data[0]?.current_period_end,
    );
  });

  it('leaves the member as they were when the change expires unpaid', async () => {
    const r = await payingMonthly('pending.expired@example.com');
    const before = (await membership(r.token)).membership;
    const updated = await pendingSwitchToAnnual(r.subscription, r.customer);
    await b.control.replaceCard(r.customer, '4242424242424242');
    await b.control.advance({ to: (updated.pending_update?.expires_at ?? 0) + 60 });
    await noFailures();
    const events = await b.h.ctx.db.all<{ type: string }>(
      sql`SELECT type FROM stripe_events WHERE type = 'customer.subscription.pending_update_expired'`,
    );
    expect(events.length).toBeGreaterThan(0);
    const view = await membership(r.token);
    expect(view.membership).toMatchObject({
      status: 'active',
      plan: 'monthly',
      current_period_end: before.current_period_end,
    });
    expect(await failedMails(r.readerId)).toEqual([]);
  });
});
