/** @module Faults: Stripe answering 500 or hanging (a loopback stand-in in front of the emulator) → 503, nothing applied, recovery. */
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator } from '../../tools/stripe-emulator';
import { EmulatorControl } from '../../tools/stripe-emulator/client';
import { type NodeDoor, startNodeDoor } from '../support/node-door';
import { count, expectUnavailable, type StripeStandIn, sideConnection, startStripeStandIn } from './helpers';

/** Per attempt; the SDK makes three attempts (maxNetworkRetries 2). */
const TIMEOUT_MS = 400;

let emu: Awaited<ReturnType<typeof startStripeEmulator>>;
let stripe: StripeStandIn;
let control: EmulatorControl;
let h: NodeDoor;
let side: Client;

beforeAll(async () => {
  emu = await startStripeEmulator({ port: 0, deliveryMode: 'pull', log: () => {} });
  control = new EmulatorControl(emu.url);
  stripe = await startStripeStandIn(emu.url);
  h = await startNodeDoor(
    {
      STRIPE_API_BASE: stripe.url,
      STRIPE_TIMEOUT_MS: String(TIMEOUT_MS),
      LOG_LEVEL: 'silent',
      LIMIT_SIGNUPS: '100000/1h',
    },
    { clock: () => new Date(emu.emulator.now * 1000) },
  );
  side = sideConnection(h);
});
afterAll(async () => {
  side?.close();
  h?.close();
  await stripe?.close();
  await emu?.close();
});

async function reader(email: string) {
  const res = await h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(res.status, res.text).toBe(201);
  return { id: String(res.json.reader.id), token: String(res.json.session_token) };
}

/** Delivers each pending webhook (pull mode) to the app and reports the answer back to the emulator. */
async function deliver(): Promise<Array<{ event: string; status: number }>> {
  const results = await control.drainPull(async (payload, signature) => {
    const res = await h.app.request('http://127.0.0.1:8787/v1/webhooks/stripe', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body: payload,
    });
    await res.arrayBuffer();
    return res.status;
  });
  return results.map((r) => ({ event: r.event_id, status: r.status }));
}

describe('Stripe failing', () => {
  for (const mode of ['error', 'hang'] as const) {
    it(`checkout while Stripe ${mode === 'error' ? 'answers 500' : 'hangs'} → 503 unavailable after bounded retries; works when Stripe is back`, async () => {
      const r = await reader(`stripe.${mode}@example.com`);
      stripe.mode = mode;
      stripe.reset();
      try {
        const res = await h.call('POST', '/v1/me/checkout', { token: r.token, body: { plan: 'monthly' } });
        expectUnavailable(res);
        // One call of ours, the SDK's two retries, then it gives up: no unbounded retry loop.
        expect(stripe.requests).toBeGreaterThanOrEqual(1);
        expect(stripe.requests).toBeLessThanOrEqual(3);
      } finally {
        stripe.mode = 'up';
      }
      const again = await h.call('POST', '/v1/me/checkout', { token: r.token, body: { plan: 'monthly' } });
      expect(again.status, again.text).toBe(200);
      expect(String(again.json.url)).toContain('/checkout/');
    });
  }

  for (const mode of ['error', 'hang'] as const) {
    it(`a webhook whose re-fetch ${mode === 'error' ? 'gets a 500' : 'hangs'} answers 503 and applies nothing; the redelivery applies it once`, async () => {
      const r = await reader(`webhook.${mode}@example.com`);
      const checkout = await h.call('POST', '/v1/me/checkout', { token: r.token, body: { plan: 'annual' } });
      expect(checkout.status, checkout.text).toBe(200);
      const membership = async () =>
        (await side.execute({ sql: 'SELECT * FROM memberships WHERE reader_id = ?', args: [r.id] })).rows[0];
      const before = await membership();
      const done = await control.completeCheckout(String(checkout.json.url).split('/').pop() ?? '');
      expect(done.ok).toBe(true);

      stripe.mode = mode;
      let down: Array<{ event: string; status: number }>;
      try {
        down = await deliver();
      } finally {
        stripe.mode = 'up';
      }
      // Every event we handle needs the subscription from Stripe: those are refused, the rest ignored.
      const refused = down.filter((d) => d.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(down.every((d) => d.status === 200 || d.status === 503)).toBe(true);
      expect(await membership()).toEqual(before);
      expect(await count(side, 'stripe_events', 'reader_id = ?', [r.id])).toBe(0);

      const back = await deliver();
      expect(back.map((d) => d.event).sort()).toEqual(refused.map((d) => d.event).sort());
      expect(back.every((d) => d.status === 200)).toBe(true);
      const after = await membership();
      expect(after?.status).toBe('active');
      expect(after?.stripe_subscription_id).toBe(done.ok ? done.subscription.id : '');
      const applied = await count(side, 'stripe_events', "reader_id = ? AND outcome = 'applied'", [r.id]);
      expect(Number(after?.version) - Number(before?.version)).toBe(applied);
      expect(await count(side, 'stripe_events', 'reader_id = ?', [r.id])).toBe(refused.length);
    });
  }
});
