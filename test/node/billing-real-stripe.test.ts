/**
 * Issue 15: what real Stripe does, reproduced through the emulator (which behaves as Stripe does)
 * and handled. Item 2: Checkout's `trial_end` must be at least 48 hours ahead, so a reader checking
 * out with 30 hours of free trial left would be charged at once; they are not charged before their
 * trial would have ended.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

const HOUR = 3600;
let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness();
});
afterAll(async () => {
  await b.close();
});

describe('a checkout near the end of the free trial', () => {
  it('with 30 hours left: a Stripe trial of at least 48 hours, nothing charged before the free trial ends', async () => {
    const res = await b.h.call('POST', '/v1/readers', {
      body: { email: 'late@example.com', password: 'pass phrase 1' },
    });
    const token = res.json.session_token as string;
    const readerId = res.json.reader.id as string;
    const freeTrialEnd = b.emulatorNow() + 30 * HOUR;
    const set = await b.h.call('POST', `/v1/admin/members/${readerId}/trial`, {
      token: b.h.adminKey,
      body: { ends_at: new Date(freeTrialEnd * 1000).toISOString() },
    });
    expect(set.status, set.text).toBe(200);

    const started = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
    expect(started.status, started.text).toBe(200);
    const paid = await payCheckout(b.control, started.json.url as string);
    expect(paid.ok).toBe(true);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);

    const [sub] = (await b.stripe.subscriptions.list({ limit: 1 })).data;
    expect(sub?.status).toBe('trialing');
    expect(sub?.trial_end ?? 0).toBeGreaterThanOrEqual(b.emulatorNow() + 48 * HOUR);
    const customer = String(sub?.customer);
    const session = await b.stripe.checkout.sessions.list({ limit: 1 });
    expect(session.data[0]?.amount_total).toBe(0);
    expect((await b.stripe.charges.list({ customer })).data).toHaveLength(0);

    // The free trial's end passes: still nothing charged, and the reader still reads.
    await b.control.advance({ to: freeTrialEnd + HOUR });
    await b.deliver();
    expect((await b.stripe.charges.list({ customer })).data).toHaveLength(0);
    const me = await b.h.call('GET', '/v1/me', { token });
    expect(me.json.entitlement.entitled).toBe(true);

    // The Stripe trial ends: the first charge, after the free trial was over.
    await b.control.advance({ to: (sub?.trial_end ?? 0) + HOUR });
    await b.deliver();
    const charges = (await b.stripe.charges.list({ customer })).data;
    expect(charges).toHaveLength(1);
    expect(charges[0]?.created ?? 0).toBeGreaterThan(freeTrialEnd);
  });
});
