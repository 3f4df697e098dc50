/**
 * Issue 15, item 9: "Cancel subscription" opens the billing portal straight in its cancellation
 * flow, with the retention coupon `npm run stripe:setup` makes offered to stay. Through the
 * emulator: accepting the offer keeps the membership and discounts the next invoice; cancelling
 * sets the subscription to end at period end and the webhook makes the membership `canceled`,
 * entitled until then; with nothing left to cancel the API answers 409 and Stripe is not asked.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_COUPON, setupStripe } from '../../scripts/stripe-setup';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness({ STRIPE_RETENTION_COUPON: RETENTION_COUPON });
  // The account as `npm run stripe:setup` leaves it: the coupon and the portal configuration.
  await setupStripe(b.stripe, 'https://onepass.example');
});
afterAll(async () => {
  await b.close();
});

async function payingReader(email: string) {
  const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  const token = res.json.session_token as string;
  const started = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
  expect(started.status, started.text).toBe(200);
  expect((await payCheckout(b.control, started.json.url as string)).ok).toBe(true);
  expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
  const [row] = await b.h.ctx.db.all<{ sub: string }>(
    sql`SELECT stripe_subscription_id AS sub FROM memberships WHERE reader_id = ${res.json.reader.id}`,
  );
  return { token, subscription: row?.sub ?? '' };
}

/** Opens the cancellation flow through the API; the emulator's portal session it made. */
async function openCancelFlow(token: string) {
  const res = await b.h.call('POST', '/v1/me/billing-portal', { token, body: { flow: 'cancel' } });
  expect(res.status, res.text).toBe(200);
  const url = res.json.url as string;
  return { url };
}

/** The portal sessions the emulator has made, oldest first (Stripe's API cannot list them). */
function emulatorSessions() {
  return [...b.emu.emulator.ctx.state.portalSessions.values()];
}

function submit(url: string, fields: Record<string, string>) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

describe('cancelling through the portal, with an offer to stay', () => {
  it('opens the subscription_cancel flow on the reader’s own subscription, with the retention coupon, back to the account page', async () => {
    const { token, subscription } = await payingReader('flow@example.com');
    const { url } = await openCancelFlow(token);
    const page = await (await fetch(url)).text();
    expect(page).toContain('Cancel your subscription');
    expect(page).toContain('Before you go: 25% off for 3 months');
    const session = emulatorSessions().pop();
    expect(session?.flow).toMatchObject({
      type: 'subscription_cancel',
      subscription_cancel: { subscription, retention: { coupon_offer: { coupon: RETENTION_COUPON } } },
      after_completion: { type: 'redirect', redirect: { return_url: `${b.h.ctx.config.publicUrl}/account` } },
    });
  });

  it('accepting the offer keeps the membership and takes 25 % off the next invoice', async () => {
    const { token, subscription } = await payingReader('stays@example.com');
    const { url } = await openCancelFlow(token);
    const base = url.replace(/\/?$/, '');
    const accepted = await submit(`${base}/flow-accept-offer`, { subscription });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toBe(`${b.h.ctx.config.publicUrl}/account`);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const sub = await b.stripe.subscriptions.retrieve(subscription);
    expect(sub.discounts).toHaveLength(1);
    // The renewal is charged 25 % less.
    await b.control.advance({ to: (sub.items.data[0]?.current_period_end ?? 0) + 60 });
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const [renewal] = (await b.stripe.invoices.list({ subscription, limit: 1 })).data;
    expect(renewal?.amount_paid).toBe(999 - Math.round(999 * 0.25));
    const me = await b.h.call('GET', '/v1/me', { token });
    expect(me.json.membership).toMatchObject({ status: 'active', cancel_at_period_end: false });
    // Still cancellable: the account page keeps offering it.
    expect(
      (await b.h.call('POST', '/v1/me/billing-portal', { token, body: { flow: 'cancel' } })).status,
    ).toBe(200);
  });

  it('cancelling ends the membership at period end; a second cancel is a 409 that asks Stripe nothing', async () => {
    const { token, subscription } = await payingReader('leaves@example.com');
    const { url } = await openCancelFlow(token);
    const done = await submit(`${url.replace(/\/?$/, '')}/flow-cancel`, {
      subscription,
      reason: 'too_expensive',
    });
    expect(done.status).toBe(303);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const sub = await b.stripe.subscriptions.retrieve(subscription);
    expect(sub.cancellation_details?.feedback).toBe('too_expensive');
    const me = await b.h.call('GET', '/v1/me', { token });
    expect(me.json.membership).toMatchObject({ status: 'canceled', cancel_at_period_end: true });
    expect(me.json.entitlement).toMatchObject({ entitled: true });
    const before = emulatorSessions().length;
    const again = await b.h.call('POST', '/v1/me/billing-portal', { token, body: { flow: 'cancel' } });
    expect(again.status).toBe(409);
    expect(again.json.detail).toContain('no subscription to cancel');
    expect(emulatorSessions().length).toBe(before);
    // The portal's home page stays open to the reader (invoices, payment method, resubscribe).
    expect((await b.h.call('POST', '/v1/me/billing-portal', { token })).status).toBe(200);
  });

  it('refuses a reader who never subscribed, and an unknown flow', async () => {
    const res = await b.h.call('POST', '/v1/readers', {
      body: { email: 'never@example.com', password: 'pass phrase 1' },
    });
    const token = res.json.session_token as string;
    expect(
      (await b.h.call('POST', '/v1/me/billing-portal', { token, body: { flow: 'cancel' } })).status,
    ).toBe(409);
    const bad = await b.h.call('POST', '/v1/me/billing-portal', { token, body: { flow: 'pause' } });
    expect(bad.status).toBe(400);
  });
});
