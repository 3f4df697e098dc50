/** @module Webhook delivery: signatures checked by the SDK, retries, hold/release, redelivery, pull mode. */

import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMULATOR_WEBHOOK_SECRET } from '../../tools/stripe-emulator/constants';
import {
  checkoutSession,
  eventually,
  type Harness,
  type Receiver,
  sdk,
  startHarness,
  startReceiver,
  T0,
} from './helpers';

let h: Harness;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startHarness({ webhookUrls: [receiver.url], maxAttempts: 4 });
});
afterAll(async () => {
  await h.emu.close();
  await receiver.close();
});
beforeEach(async () => {
  await h.control.reset(T0);
  receiver.received.length = 0;
  receiver.failNext.length = 0;
  receiver.hits = 0;
});

const receivedTypes = () => receiver.received.map((r) => r.event.type);

describe('push delivery', () => {
  it('signs each event like Stripe and delivers in order', async () => {
    const { session } = await checkoutSession(h.stripe);
    await h.control.completeCheckout(session.id);
    await h.control.flush();
    const listed = (await h.stripe.events.list({ limit: 100 })).data.reverse();
    expect(receivedTypes()).toEqual(listed.map((e) => e.type));
    const first = receiver.received[0];
    expect(first?.contentType).toBe('application/json; charset=utf-8');
    expect(first?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    // Signature time is wall-clock time, while `created` is the emulator clock.
    const t = Number(first?.signature.slice(2, first.signature.indexOf(',')));
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(60);
    expect(first?.event.created).toBe(T0);
    expect(JSON.parse(first?.raw ?? '{}')).toEqual(listed[0]);
    const deliveries = await h.control.deliveries({ event_id: listed[0]?.id });
    expect(deliveries[0]).toMatchObject({
      status: 'succeeded',
      endpoint: receiver.url,
      attempts: [{ status: 200 }],
    });
  });

  it('retries with backoff after a 500 and records the attempts', async () => {
    receiver.failNext.push(500, 503);
    const customer = await h.stripe.customers.create({ email: 'retry@example.com' });
    await h.control.flush();
    expect(receiver.hits).toBe(3);
    expect(receivedTypes()).toEqual(['customer.created']);
    const [delivery] = await h.control.deliveries({ type: 'customer.created' });
    expect(delivery?.status).toBe('succeeded');
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(receiver.received[0]?.event.data.object).toMatchObject({ id: customer.id });
  });

  it('gives up after maxAttempts', async () => {
    receiver.failNext.push(500, 500, 500, 500, 500);
    await h.stripe.customers.create({ email: 'never@example.com' });
    await h.control.flush();
    const [delivery] = await h.control.deliveries({ type: 'customer.created' });
    expect(delivery).toMatchObject({ status: 'failed', next_attempt_at: null });
    expect(delivery?.attempts).toHaveLength(4);
    expect(receiver.received).toHaveLength(0);
  });

  it('holds events, then releases them in a chosen order with a drop', async () => {
    await h.control.setMode('hold');
    const ids: string[] = [];
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      await h.stripe.customers.create({ email });
    }
    for (const e of await h.control.held()) ids.push(e.id);
    expect(ids).toHaveLength(3);
    expect(receiver.hits).toBe(0);
    const [a, b, c] = ids;
    const released = await h.control.release({ order: [c ?? '', a ?? ''], drop: [b ?? ''] });
    expect(released.dropped).toEqual([b]);
    expect(receiver.received.map((r) => r.event.id)).toEqual([c, a]);
    expect(await h.control.held()).toEqual([]);
    // A dropped event is still in the API, for reconciliation to find.
    expect((await h.stripe.events.retrieve(b ?? '')).id).toBe(b);
    await h.control.setMode('auto');
  });

  it('redelivers an event as a duplicate', async () => {
    await h.stripe.customers.create({ email: 'dup@example.com' });
    await h.control.flush();
    const [event] = (await h.stripe.events.list()).data;
    await h.control.redeliver(event?.id ?? '');
    await eventually(() => expect(receiver.received).toHaveLength(2));
    expect(receiver.received.map((r) => r.event.id)).toEqual([event?.id, event?.id]);
  });
});

describe('pull delivery', () => {
  it('hands out signed payloads and records the receiver status', async () => {
    await h.control.setMode('pull');
    await h.stripe.customers.create({ email: 'pull@example.com' });
    const [pending] = await h.control.pendingDeliveries();
    expect(pending).toMatchObject({ type: 'customer.created', endpoint: null, status: 'pending' });
    const verifier = sdk(1);
    const event = await verifier.webhooks.constructEventAsync(
      pending?.payload ?? '',
      pending?.signature_header ?? '',
      EMULATOR_WEBHOOK_SECRET,
      300,
      Stripe.createSubtleCryptoProvider(),
    );
    expect(event.id).toBe(pending?.event_id);

    await h.control.reportDelivery(pending?.id ?? '', 500);
    const [again] = await h.control.pendingDeliveries();
    expect(again).toMatchObject({ id: pending?.id, attempts: [{ status: 500 }] });

    const results = await h.control.drainPull(async () => 204);
    expect(results).toEqual([{ id: pending?.id, event_id: event.id, type: 'customer.created', status: 204 }]);
    expect(await h.control.pendingDeliveries()).toEqual([]);
    expect(receiver.hits).toBe(0);
    await h.control.setMode('auto');
  });
});
