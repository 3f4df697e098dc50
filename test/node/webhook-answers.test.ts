/**
 * @module What the Stripe webhook answers for payloads laid out as Stripe lays them out (id first,
 * type last), which are answered from their id and type when that is enough: an ignored type and a
 * processed event without parsing them, a signature still checked before anything, and a first
 * delivery of a handled type applied as always.
 */
import { sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness();
});
afterAll(() => b.close());

const crypto = Stripe.createNodeCryptoProvider();
const sign = (body: string, secret = b.h.ctx.config.stripe.webhookSecret) => {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${crypto.computeHMACSignature(`${t}.${body}`, secret)}`;
};
const post = (body: string, signature = sign(body)) =>
  b.h.call('POST', '/v1/webhooks/stripe', {
    rawBody: body,
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  });
const recorded = async (id: string) =>
  (await b.h.query<{ outcome: string }>(sql`SELECT outcome FROM stripe_events WHERE id = ${id}`)).map(
    (r) => r.outcome,
  );

/** An event as Stripe writes it: pretty-printed, `id` first, `type` last. */
const laidOut = (id: string, type: string, object: Record<string, unknown>) =>
  JSON.stringify(
    {
      id,
      object: 'event',
      api_version: '2025-03-31.basil',
      created: 1,
      data: { object },
      livemode: false,
      type,
    },
    null,
    2,
  );

describe('the Stripe webhook on Stripe-laid-out payloads', () => {
  it('answers a type it ignores as ignored, and records nothing', async () => {
    const res = await post(laidOut('evt_head_ignored_1', 'product.created', { id: 'prod_1' }));
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ received: true, event: 'evt_head_ignored_1', outcome: 'ignored' });
    expect(await recorded('evt_head_ignored_1')).toEqual([]);
    // Answered from the id and type alone: what lies between them is not even parsed.
    const unparsed =
      '{\n  "id": "evt_head_ignored_2",\n  "data": <not parsed>,\n  "type": "product.created"\n}';
    const alone = await post(unparsed);
    expect(alone.status, alone.text).toBe(200);
    expect(alone.json.outcome).toBe('ignored');
  });

  it('answers a processed event as a duplicate, from its id, leaving the membership as it is', async () => {
    const signup = await b.h.call('POST', '/v1/readers', {
      body: { email: 'head.duplicate@example.com', password: 'pass phrase 1' },
    });
    const token = signup.json.session_token as string;
    const checkout = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
    expect((await payCheckout(b.control, checkout.json.url)).ok).toBe(true);
    const statuses = await b.deliver();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const readerId = signup.json.reader.id as string;
    const [applied] = await b.h.query<{ id: string }>(
      sql`SELECT id FROM stripe_events WHERE reader_id = ${readerId} AND outcome = 'applied' LIMIT 1`,
    );
    if (!applied) throw new Error('no applied event');
    const event = await b.stripe.events.retrieve(applied.id);
    const body = JSON.stringify(event, null, 2);
    const version = async () =>
      (
        await b.h.query<{ version: number }>(
          sql`SELECT version FROM memberships WHERE reader_id = ${readerId}`,
        )
      )[0]?.version;
    const before = await version();
    const again = await post(body);
    expect(again.status, again.text).toBe(200);
    expect(again.json).toEqual({ received: true, event: applied.id, outcome: 'duplicate' });
    expect(await version()).toBe(before);
    expect(await recorded(applied.id)).toEqual(['applied']);
    const unparsed = `{\n  "id": "${applied.id}",\n  "data": <not parsed>,\n  "type": "${event.type}"\n}`;
    expect((await post(unparsed)).json.outcome).toBe('duplicate');
    // A copy with a wrong signature is refused before the id is looked at.
    const forged = await post(body, sign(body, `whsec_${Buffer.alloc(32, 9).toString('base64')}`));
    expect(forged.status).toBe(400);
    expect(forged.json.code).toBe('invalid_request');
  });

  it('parses and applies a handled type it has not seen; a payload that is not JSON is refused', async () => {
    // A handled type about a subscription that does not exist: applied as "no change", recorded once.
    const body = laidOut('evt_head_new_1', 'customer.subscription.updated', {
      id: 'sub_head_missing',
      object: 'subscription',
    });
    const res = await post(body);
    expect(res.status, res.text).toBe(200);
    expect(res.json.event).toBe('evt_head_new_1');
    expect(res.json.outcome).not.toBe('duplicate');
    const notJson = await post('{"id": "evt_x", oops');
    expect(notJson.status).toBe(400);
    expect(notJson.json.code).toBe('invalid_request');
  });
});
