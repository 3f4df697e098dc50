/**
 * @module Reconciliation at scale: subscriptions bought through the Stripe emulator's Checkout whose
 * webhooks never reached the service (the emulator holds them: `--mode pull`), then
 * `POST /v1/admin/stripe/reconcile` until the pass is complete; throughput in subscriptions/s.
 */

import { freePort } from '../../tools/free-port';
import { EmulatorControl } from '../../tools/stripe-emulator/client';
import { EMULATOR_PRICE_MONTHLY, EMULATOR_SECRET_KEY } from '../../tools/stripe-emulator/constants';
import { startScript } from '../server';
import { readerEmail, readerId } from './data';
import { expect } from './timing';

export interface Emulator {
  url: string;
  stop(): Promise<void>;
}

/** The emulator in its own process, on real time (reconciliation asks Stripe for recent events). */
export async function startEmulator(): Promise<Emulator> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startScript(
    'tools/stripe-emulator/cli.ts',
    ['--port', String(port), '--mode', 'pull', '--quiet', '--no-banner'],
    `${url}/v1/prices`,
    { init: { headers: { authorization: `Bearer ${EMULATOR_SECRET_KEY}` } } },
  );
  return { url, stop: child.stop };
}

async function stripe(
  emulator: string,
  path: string,
  params: Record<string, string>,
): Promise<{ id: string }> {
  return (await expect(200, `${emulator}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${EMULATOR_SECRET_KEY}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(params).toString(),
  })) as { id: string };
}

/**
 * Readers whose trial lapsed (they have no Stripe customer yet: readers 2–7 of every 20) buy a
 * monthly plan in Checkout, as the service's own checkout would ask for it. 8 at a time.
 */
export async function buySubscriptions(emulator: string, count: number, readers: number): Promise<number> {
  const control = new EmulatorControl(emulator);
  const buyers: number[] = [];
  for (let i = 0; buyers.length < count && i < readers; i++) if (i % 20 >= 2 && i % 20 < 8) buyers.push(i);
  let next = 0;
  const worker = async () => {
    while (next < buyers.length) {
      const i = buyers[next++] as number;
      const id = readerId(i);
      const customer = await stripe(emulator, '/v1/customers', {
        email: readerEmail(i),
        'metadata[reader_id]': id,
      });
      const session = await stripe(emulator, '/v1/checkout/sessions', {
        mode: 'subscription',
        customer: customer.id,
        client_reference_id: id,
        'metadata[reader_id]': id,
        'line_items[0][price]': EMULATOR_PRICE_MONTHLY,
        'line_items[0][quantity]': '1',
        'subscription_data[metadata][reader_id]': id,
        success_url: 'https://scale.example/success',
        cancel_url: 'https://scale.example/cancel',
      });
      await control.completeCheckout(session.id, '4242424242424242');
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return buyers.length;
}

export interface ReconcileFigures {
  subscriptions: number;
  scanned: number;
  applied: number;
  seconds: number;
  calls: number;
}

/** Calls the admin reconcile route until a pass is complete; what it listed and applied, and the time. */
export async function reconcile(
  door: { url: string; adminKey: string },
  subscriptions: number,
): Promise<ReconcileFigures> {
  const start = performance.now();
  let scanned = 0;
  let applied = 0;
  let calls = 0;
  for (;;) {
    const result = (await expect(200, `${door.url}/v1/admin/stripe/reconcile?max_events=5000`, {
      method: 'POST',
      headers: { authorization: `Bearer ${door.adminKey}` },
    })) as { scanned: number; applied: number; complete: boolean };
    calls++;
    scanned += result.scanned;
    applied += result.applied;
    if (result.complete) break;
  }
  return { subscriptions, scanned, applied, seconds: (performance.now() - start) / 1000, calls };
}
