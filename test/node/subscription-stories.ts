/**
 * @module The stories of test/node/billing-subscriptions.test.ts: readers who sign up, check out
 * and pay through the billing harness, and what the tests read back (the membership row, the audit
 * log, the reader's own view).
 */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { EMULATOR_PRICE_MONTHLY, TEST_CARDS } from '../../tools/stripe-emulator/constants';
import { type BillingHarness, payCheckout } from './billing-harness';

/** The helpers, on the harness `get()` returns (started in the test file's `beforeAll`). */
export function subscriptionStories(get: () => BillingHarness) {
  async function signUp(email: string) {
    const res = await get().h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
    expect(res.status, res.text).toBe(201);
    // A confirmed address, so that the free trial runs its full length (these stories span days).
    await get().h.ctx.db.run(
      sql`UPDATE readers SET email_verified_at = created_at WHERE id = ${res.json.reader.id as string}`,
    );
    return { email, token: res.json.session_token as string, readerId: res.json.reader.id as string };
  }

  /** A fresh session token: these stories move the clock by weeks. */
  async function signIn(email: string) {
    const res = await get().h.call('POST', '/v1/sessions', { body: { email, password: 'pass phrase 1' } });
    expect(res.status).toBe(200);
    return res.json.session_token as string;
  }

  async function me(email: string) {
    const res = await get().h.call('GET', '/v1/me', { token: await signIn(email) });
    return res.json as {
      membership: Record<string, unknown> & { status: string };
      entitlement: { entitled: boolean; reason: string | null };
    };
  }

  async function setTrialEnd(readerId: string, at: number) {
    const res = await get().h.call('POST', `/v1/admin/members/${readerId}/trial`, {
      token: get().h.adminKey,
      body: { ends_at: new Date(at * 1000).toISOString() },
    });
    expect(res.status, res.text).toBe(200);
  }

  /** A reader whose free trial is over: Checkout charges at once. */
  async function readerWithoutTrial(email: string) {
    const reader = await signUp(email);
    await setTrialEnd(reader.readerId, get().emulatorNow() + 60);
    await get().control.advance({ seconds: 120 });
    expect((await me(email)).entitlement.entitled).toBe(false);
    return reader;
  }

  async function checkout(token: string) {
    const res = await get().h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
    expect(res.status, res.text).toBe(200);
    return res.json.url as string;
  }

  async function row(readerId: string) {
    const rows = await get().h.ctx.db.all<{
      stripe_subscription_id: string | null;
      stripe_customer_id: string | null;
    }>(sql`SELECT stripe_subscription_id, stripe_customer_id FROM memberships WHERE reader_id = ${readerId}`);
    const found = rows[0];
    if (!found) throw new Error('no membership');
    return found;
  }

  async function audits(readerId: string) {
    return get().h.ctx.db.all<{ action: string; actor_key_id: string; before: string; after: string }>(
      sql`SELECT action, actor_key_id, before, after FROM audit_log WHERE target_id = ${readerId} ORDER BY created_at, id`,
    );
  }

  async function deliverOk() {
    expect((await get().deliver()).filter((s) => s >= 500)).toEqual([]);
  }

  /**
   * A second session as a concurrent checkout would have opened it (both passed the check before
   * either existed): the service's own parameters, straight to Stripe.
   */
  async function concurrentSession(readerId: string, customer: string, trialEnd: number | null) {
    return get().stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      client_reference_id: readerId,
      metadata: { reader_id: readerId },
      line_items: [{ price: EMULATOR_PRICE_MONTHLY, quantity: 1 }],
      subscription_data: { metadata: { reader_id: readerId }, ...(trialEnd ? { trial_end: trialEnd } : {}) },
      success_url: 'http://127.0.0.1:8787/subscribe/success',
    });
  }

  /**
   * A reader on the free trial with two subscriptions: Stripe reproduces the double subscription of
   * two Checkout sessions both completed, a second apart. Their events are left undelivered.
   */
  async function twoTrialSubscriptions(address: string) {
    const { email, token, readerId } = await signUp(address);
    const url = await checkout(token);
    const { stripe_customer_id: customer } = await row(readerId);
    const trialEnd = Date.parse((await me(email)).membership.trial_ends_at as string) / 1000;
    const racing = await concurrentSession(readerId, customer ?? '', trialEnd);
    const a = await payCheckout(get().control, url);
    await get().control.advance({ seconds: 1 });
    const c = await get().control.completeCheckout(racing.id, TEST_CARDS.success);
    expect(a.ok && c.ok).toBe(true);
    return {
      email,
      readerId,
      customer,
      trialEnd,
      older: a.ok ? a.subscription.id : '',
      newer: c.ok ? c.subscription.id : '',
    };
  }
  return {
    signUp,
    signIn,
    me,
    setTrialEnd,
    readerWithoutTrial,
    checkout,
    row,
    audits,
    deliverOk,
    concurrentSession,
    twoTrialSubscriptions,
  };
}
