/**
 * @module Concurrent webhooks for one subscription inside workerd: every copy of every event
 * delivered at once. Each request reads Stripe itself (no I/O shared across requests, which workerd
 * cancels as hung when the request that started it ends), every answer is 2xx, and the membership
 * ends as Stripe has it.
 */
import { env, SELF } from 'cloudflare:test';
import Stripe from 'stripe';
import { describe, expect, inject, it } from 'vitest';
import { EmulatorControl } from '../../../tools/stripe-emulator/client';
import { BASE, call, signUp } from '../../workers/helpers';

const emulatorUrl = inject('stripeEmulatorUrl');
const control = new EmulatorControl(emulatorUrl);
const stripe = new Stripe('sk_test_emulator_0000000000000000', {
  httpClient: Stripe.createFetchHttpClient(),
  host: '127.0.0.1',
  port: Number(new URL(emulatorUrl).port),
  protocol: 'http',
});

async function webhook(payload: string, signature: string): Promise<{ status: number; outcome: string }> {
  const res = await SELF.fetch(`${BASE}/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
    body: payload,
  });
  const body = (await res.json()) as { outcome?: string };
  return { status: res.status, outcome: body.outcome ?? '' };
}

describe('concurrent webhooks for one subscription (workerd)', () => {
  it('answers every copy 2xx, applies each event once and ends with Stripe’s state', async () => {
    const { token, reader } = await signUp();
    const checkout = await call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
    expect(checkout.status, checkout.text).toBe(200);
    const done = await control.completeCheckout(
      String(checkout.json.url).split('/').pop() ?? '',
      '4242424242424242',
    );
    if (!done.ok) throw new Error('checkout failed');
    const subscription = done.subscription.id;
    await stripe.subscriptions.update(subscription, { cancel_at_period_end: true });
    await stripe.subscriptions.update(subscription, { metadata: { note: 'touched' } });

    const mine = (await control.pendingDeliveries()).filter(
      (d) => d.payload.includes(subscription) || d.payload.includes(String(done.subscription.customer)),
    );
    expect(mine.length).toBeGreaterThanOrEqual(4);
    const copies = mine.flatMap((d) => [d, d, d]);
    const answers = await Promise.all(copies.map((d) => webhook(d.payload, d.signature_header)));
    for (const d of mine) await control.reportDelivery(d.id, 200);

    expect(answers.map((a) => a.status).filter((s) => s >= 300)).toEqual([]);
    const appliedPerEvent = new Map<string, number>();
    answers.forEach((a, i) => {
      const id = copies[i]?.event_id ?? '';
      if (a.outcome === 'applied') appliedPerEvent.set(id, (appliedPerEvent.get(id) ?? 0) + 1);
    });
    expect([...appliedPerEvent.values()].every((n) => n === 1)).toBe(true);

    const row = await env.DB.prepare(
      'SELECT status, stripe_subscription_id FROM memberships WHERE reader_id = ?',
    )
      .bind(reader.id)
      .first<{ status: string; stripe_subscription_id: string }>();
    expect(row).toEqual({ status: 'canceled', stripe_subscription_id: subscription });
  });
});
