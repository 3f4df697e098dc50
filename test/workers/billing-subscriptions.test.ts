/**
 * Issue 15 items 3 and 4 inside workerd with D1, through the Stripe emulator: two Checkout
 * sessions both completed leave one subscription (the newer canceled, audited), and an
 * `incomplete` subscription does not lock the reader out of paying again.
 */
import { env, SELF } from 'cloudflare:test';
import Stripe from 'stripe';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { EmulatorControl } from '../../tools/stripe-emulator/client';
import { EMULATOR_PRICE_MONTHLY, TEST_CARDS } from '../../tools/stripe-emulator/constants';
import { adminKey, BASE, call, signUp } from './helpers';

const emulatorUrl = inject('stripeEmulatorUrl');
const control = new EmulatorControl(emulatorUrl);
const stripe = new Stripe('sk_test_emulator_0000000000000000', {
  httpClient: Stripe.createFetchHttpClient(),
  host: '127.0.0.1',
  port: Number(new URL(emulatorUrl).port),
  protocol: 'http',
});

async function deliver(): Promise<number[]> {
  const results = await control.drainPull(async (payload, signature) => {
    const res = await SELF.fetch(`${BASE}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body: payload,
    });
    await res.arrayBuffer();
    return res.status;
  });
  return results.map((r) => r.status);
}

async function membershipRow(readerId: string) {
  const row = await env.DB.prepare(
    'SELECT stripe_subscription_id, stripe_customer_id FROM memberships WHERE reader_id = ?',
  )
    .bind(readerId)
    .first<{ stripe_subscription_id: string | null; stripe_customer_id: string | null }>();
  if (!row) throw new Error('no membership');
  return row;
}

async function checkout(token: string) {
  const res = await call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
  expect(res.status, res.text).toBe(200);
  return String(res.json.url).split('/').pop() ?? '';
}

describe('subscriptions as real Stripe leaves them, in workerd', () => {
  beforeEach(async () => {
    await control.reset();
  });

  it('two sessions both completed during the trial: the newer is canceled at once and audited', async () => {
    const { token, reader } = await signUp();
    const first = await checkout(token);
    const { stripe_customer_id: customer } = await membershipRow(reader.id);
    const me = await call('GET', '/v1/me', { token });
    const trialEnd = Date.parse(me.json.membership.trial_ends_at) / 1000;
    // A concurrent checkout's session, opened before either existed.
    const racing = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer ?? '',
      client_reference_id: reader.id,
      metadata: { reader_id: reader.id },
      line_items: [{ price: EMULATOR_PRICE_MONTHLY, quantity: 1 }],
      subscription_data: { metadata: { reader_id: reader.id }, trial_end: trialEnd },
      success_url: `${BASE}/subscribe/success`,
    });
    const a = await control.completeCheckout(first, TEST_CARDS.success);
    await control.advance({ seconds: 1 });
    const b = await control.completeCheckout(racing.id, TEST_CARDS.success);
    if (!a.ok || !b.ok) throw new Error('both sessions should complete');
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);

    expect((await stripe.subscriptions.retrieve(b.subscription.id)).status).toBe('canceled');
    expect((await stripe.subscriptions.retrieve(a.subscription.id)).status).toBe('trialing');
    expect((await membershipRow(reader.id)).stripe_subscription_id).toBe(a.subscription.id);
    const audit = await env.DB.prepare(
      "SELECT actor_key_id, after FROM audit_log WHERE target_id = ? AND action = 'member.duplicate_subscription_ended'",
    )
      .bind(reader.id)
      .all<{ actor_key_id: string; after: string }>();
    expect(audit.results).toHaveLength(1);
    expect(audit.results[0]?.actor_key_id).toBe('stripe');
    expect(JSON.parse(audit.results[0]?.after ?? '{}')).toMatchObject({
      subscription: b.subscription.id,
      refunded_amount: 0,
    });
    expect((await call('GET', '/v1/me', { token })).json.entitlement.entitled).toBe(true);
  });

  it('a first payment declined leaves an incomplete subscription; the reader checks out again and pays', async () => {
    const { token, reader } = await signUp();
    const ended = await call('POST', `/v1/admin/members/${reader.id}/trial`, {
      token: adminKey(),
      body: { ends_at: new Date(Date.now() - 1000).toISOString() },
    });
    expect(ended.status).toBe(200);
    const first = await checkout(token);
    expect((await control.completeCheckout(first, TEST_CARDS.declined)).ok).toBe(false);
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
    const { stripe_customer_id: customer } = await membershipRow(reader.id);
    const [stale] = (await stripe.subscriptions.list({ customer: customer ?? '' })).data;
    expect(stale?.status).toBe('incomplete');
    expect((await call('GET', '/v1/me', { token })).json.entitlement.entitled).toBe(false);

    const second = await checkout(token);
    expect((await stripe.subscriptions.retrieve(stale?.id ?? '')).status).toBe('canceled');
    expect((await stripe.checkout.sessions.retrieve(first)).status).toBe('expired');
    expect((await control.completeCheckout(second, TEST_CARDS.success)).ok).toBe(true);
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
    const me = await call('GET', '/v1/me', { token });
    expect(me.json.membership.status).toBe('active');
    expect(me.json.entitlement.entitled).toBe(true);
  });
});
