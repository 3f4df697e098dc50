/**
 * @module An admin's "cancel now" of a member with a real Stripe subscription (the Stripe emulator)
 * tells the publisher at once: `entitlement.ended` with reason `canceled` and its pairwise `sub`,
 * delivered by the Node door's transport to a local receiver that verifies it with the
 * `standardwebhooks` package; Stripe's webhook that follows announces nothing more, and a cancel at
 * period end (still entitled) announces nothing.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhooks } from '../../src/features/webhooks';
import { createPublisher } from '../support/door';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let b: BillingHarness;
let receiver: Server;
const received: Received[] = [];
let publisher: { publisher: { id: string }; api_key: string };
let endpoint: { id: string; secret: string };

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  b = await startBillingHarness();
  publisher = await createPublisher(b.h, 'Cancel Gazette');
  const created = await b.h.call('POST', '/v1/publisher/webhooks', {
    token: publisher.api_key,
    body: {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
      events: ['entitlement.ended'],
    },
  });
  expect(created.status, created.text).toBe(201);
  endpoint = created.json;
});
afterAll(async () => {
  await b.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const admin = (method: string, path: string, body?: unknown) =>
  b.h.call(method, path, { token: b.h.adminKey, body });

/** A paying member (checkout paid at the emulator) whom the publisher knows by its pairwise `sub`. */
async function subscriberKnownToPublisher(email: string) {
  const signup = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(signup.status, signup.text).toBe(201);
  const token = signup.json.session_token as string;
  const checkout = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
  expect(checkout.status, checkout.text).toBe(200);
  expect((await payCheckout(b.control, checkout.json.url)).ok).toBe(true);
  expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
  const issued = await b.h.call('POST', '/v1/me/entitlement-token', {
    token,
    body: { publisher: publisher.publisher.id },
  });
  expect(issued.status, issued.text).toBe(200);
  const claims = JSON.parse(
    Buffer.from(String(issued.json.token).split('.')[1] ?? '', 'base64url').toString(),
  );
  expect(claims.membership).toBe('paid');
  return { readerId: signup.json.reader.id as string, sub: claims.sub as string };
}

function headersOf(r: Received) {
  return {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  };
}

/**
 * The `standardwebhooks` package's verdict: `verify` when the service's clock (the emulator's) is
 * near the real one, else the package's own signature of the same id, timestamp and body must be
 * one of the header's.
 */
function verified(r: Received, secret: string): { type: string; data: Record<string, unknown> } {
  const wh = new Webhook(secret);
  const h = headersOf(r);
  const ts = Number(h['webhook-timestamp']);
  if (Math.abs(ts - Date.now() / 1000) < 300) return wh.verify(r.body, h) as never;
  if (!h['webhook-signature'].split(' ').includes(wh.sign(h['webhook-id'], new Date(ts * 1000), r.body))) {
    throw new Error('signature mismatch');
  }
  return JSON.parse(r.body);
}

/** The verified `entitlement.ended` events received for `sub`. */
const endedFor = (sub: string) =>
  received
    .map((r) => verified(r, endpoint.secret))
    .filter((e) => e.type === 'entitlement.ended' && e.data.sub === sub);

async function waitForEnded(sub: string) {
  for (let i = 0; i < 200; i++) {
    if (endedFor(sub).length > 0) return endedFor(sub);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no entitlement.ended for ${sub}`);
}

describe('admin cancel and the publisher webhook', () => {
  it('cancel now sends entitlement.ended (canceled) with the pairwise sub, verified by standardwebhooks, once', async () => {
    const { readerId, sub } = await subscriberKnownToPublisher('cancel.hook@example.com');
    const res = await admin('POST', `/v1/admin/members/${readerId}/cancel`, { at_period_end: false });
    expect(res.status, res.text).toBe(200);
    expect(res.json.status).toBe('expired');
    const subId = (await admin('GET', `/v1/admin/members/${readerId}`)).json.stripe.subscription_id as string;
    expect((await b.stripe.subscriptions.retrieve(subId)).status).toBe('canceled');

    const [event] = await waitForEnded(sub);
    expect(event).toEqual({
      type: 'entitlement.ended',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      data: { sub, reason: 'canceled' },
    });
    const request = received.find((r) => verified(r, endpoint.secret).data.sub === sub);
    if (!request) throw new Error('no request');
    expect(() => verified(request, `whsec_${Buffer.alloc(32, 3).toString('base64')}`)).toThrow();
    expect(() =>
      verified({ ...request, body: request.body.replace('canceled', 'refunded') }, endpoint.secret),
    ).toThrow();

    // Stripe's customer.subscription.deleted follows: the access had already ended, nothing more is said.
    expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
    await deliverWebhooks(b.h.ctx);
    expect(endedFor(sub)).toHaveLength(1);
    const deliveries = await b.h.call('GET', `/v1/publisher/webhooks/${endpoint.id}/deliveries`, {
      token: publisher.api_key,
    });
    expect(deliveries.json.data[0]).toMatchObject({
      type: 'entitlement.ended',
      status: 'delivered',
      attempts: 1,
    });
    expect(deliveries.json.data[0].attempt_log[0]).toMatchObject({ status_code: 204, error: null });
  });

  it('a subscription Stripe ends is announced as soon as its webhook lands, before any scheduled run', async () => {
    const { readerId, sub } = await subscriberKnownToPublisher('stripe.ended.hook@example.com');
    const subId = (await admin('GET', `/v1/admin/members/${readerId}`)).json.stripe.subscription_id as string;
    await b.stripe.subscriptions.cancel(subId);
    expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
    // No deliverWebhooks here: the change that ended the access sends its message itself.
    const [event] = await waitForEnded(sub);
    expect(event?.data).toEqual({ sub, reason: 'canceled' });
  });

  it('cancel at period end (still entitled until then) sends nothing', async () => {
    const { readerId, sub } = await subscriberKnownToPublisher('cancel.later.hook@example.com');
    const res = await admin('POST', `/v1/admin/members/${readerId}/cancel`, { at_period_end: true });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ status: 'canceled', cancel_at_period_end: true });
    expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
    await deliverWebhooks(b.h.ctx);
    expect(endedFor(sub)).toEqual([]);
  });
});
