/** @module Test helpers: an emulator on a random port, a real SDK client for it, and a signature-checking webhook receiver. */

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import {
  type RunningStripeEmulator,
  type StripeEmulatorOptions,
  startStripeEmulator,
} from '../../tools/stripe-emulator';
import { EmulatorControl } from '../../tools/stripe-emulator/client';
import {
  EMULATOR_PRICE_MONTHLY,
  EMULATOR_SECRET_KEY,
  EMULATOR_WEBHOOK_SECRET,
} from '../../tools/stripe-emulator/constants';

/** A fixed start so that dates in assertions are stable: 2026-11-02T10:00:00Z. */
export const T0 = Date.UTC(2026, 10, 2, 10, 0, 0) / 1000;
export const DAY = 86_400;

export function sdk(port: number, key = EMULATOR_SECRET_KEY): Stripe {
  return new Stripe(key, {
    httpClient: Stripe.createFetchHttpClient(),
    host: '127.0.0.1',
    port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}

export interface Harness {
  emu: RunningStripeEmulator;
  stripe: Stripe;
  control: EmulatorControl;
}

export async function startHarness(options: StripeEmulatorOptions = {}): Promise<Harness> {
  const emu = await startStripeEmulator({ port: 0, now: T0, retryBaseMs: 5, ...options });
  return { emu, stripe: sdk(emu.port), control: new EmulatorControl(emu.url) };
}

/** A customer plus a subscription checkout session for it (monthly unless told otherwise). */
export async function checkoutSession(
  stripe: Stripe,
  options: { trialEnd?: number; price?: string; email?: string } = {},
): Promise<{ customer: Stripe.Customer; session: Stripe.Checkout.Session }> {
  const customer = await stripe.customers.create({
    email: options.email ?? 'reader@example.com',
    metadata: { reader_id: 'rdr_test' },
  });
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: options.price ?? EMULATOR_PRICE_MONTHLY, quantity: 1 }],
    success_url: 'http://127.0.0.1:8787/account?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:8787/subscribe',
    client_reference_id: 'rdr_test',
    metadata: { reader_id: 'rdr_test' },
    subscription_data: {
      metadata: { reader_id: 'rdr_test' },
      ...(options.trialEnd === undefined ? {} : { trial_end: options.trialEnd }),
    },
  });
  return { customer, session };
}

/** A customer paying monthly: a checkout session completed with the default good card. */
export async function payingSubscription(
  h: Harness,
): Promise<{ customer: Stripe.Customer; subscription: Stripe.Subscription }> {
  const { session, customer } = await checkoutSession(h.stripe);
  const done = await h.control.completeCheckout(session.id);
  if (!done.ok) throw new Error(done.error.message);
  return { customer, subscription: done.subscription };
}

/** Submits a form the way a browser without JavaScript does (redirects not followed). */
export function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** Every event type so far, oldest first (up to 100). */
export async function eventTypes(stripe: Stripe): Promise<string[]> {
  const list = await stripe.events.list({ limit: 100 });
  return list.data.map((e) => e.type).reverse();
}

export interface Received {
  event: Stripe.Event;
  raw: string;
  signature: string;
  contentType: string | undefined;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Every request, including the ones answered with an error. */
  hits: number;
  /** Status to answer for the next requests (consumed first to last), then 200. */
  failNext: number[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A webhook endpoint that verifies like the service will: raw body, `constructEventAsync`, SubtleCrypto. */
export async function startReceiver(secret = EMULATOR_WEBHOOK_SECRET): Promise<Receiver> {
  const verifier = sdk(1);
  const crypto = Stripe.createSubtleCryptoProvider();
  const receiver: Receiver = { url: '', received: [], hits: 0, failNext: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    void (async () => {
      receiver.hits += 1;
      const raw = await readBody(req);
      const signature = String(req.headers['stripe-signature'] ?? '');
      const forced = receiver.failNext.shift();
      if (forced !== undefined) {
        res.writeHead(forced).end('forced failure');
        return;
      }
      try {
        const event = await verifier.webhooks.constructEventAsync(raw, signature, secret, 300, crypto);
        receiver.received.push({ event, raw, signature, contentType: req.headers['content-type'] });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
      } catch {
        res.writeHead(400).end('bad signature');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhooks/stripe`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

/** Polls until `check` passes (deliveries are asynchronous). */
export async function eventually(check: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
