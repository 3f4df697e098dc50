/**
 * @module Stripe-Signature read exactly as Stripe's SDK reads it: the future-dated refusal applies to
 * the timestamp that was signed, however many `t=` the header carries.
 */
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedTimestamp } from '../../src/features/billing/webhook/verify';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let door: NodeDoor;
beforeAll(async () => {
  door = await startNodeDoor({ LOG_LEVEL: 'silent' });
});
afterAll(() => door.close());

const crypto = Stripe.createNodeCryptoProvider();
const stripe = new Stripe('sk_test_x');

function hmac(secret: string, timestamp: number, body: string): string {
  return crypto.computeHMACSignature(`${timestamp}.${body}`, secret);
}

const event = (id: string) =>
  JSON.stringify({
    id,
    object: 'event',
    // A type the service ignores: accepted once verified, with no Stripe call behind it.
    type: 'product.created',
    created: 1,
    data: { object: { id: 'prod_x', object: 'product' } },
  });

async function deliver(body: string, header: string) {
  return door.call('POST', '/v1/webhooks/stripe', {
    rawBody: body,
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
  });
}

describe('the future-dated refusal applies to the signed timestamp', () => {
  it('refuses t=<now>,t=<now + 1 day>,v1=<signature over the future timestamp>', async () => {
    const secret = door.ctx.config.stripe.webhookSecret;
    const now = Math.floor(Date.now() / 1000);
    const future = now + 86_400;
    const body = event(`evt_future_${now}`);
    const both = await deliver(body, `t=${now},t=${future},v1=${hmac(secret, future, body)}`);
    expect(both.status).toBe(400);
    const alone = await deliver(body, `t=${future},v1=${hmac(secret, future, body)}`);
    expect(alone.status).toBe(400);
    // The same event, honestly signed now, is accepted: the refusals were about the timestamp.
    const honest = await deliver(body, `t=${now},v1=${hmac(secret, now, body)}`);
    expect(honest.status).toBe(200);
    expect(honest.json).toMatchObject({ received: true, outcome: 'ignored' });
  });

  it('reads the same timestamp as the SDK from any header layout', async () => {
    const secret = 'whsec_property';
    const body = '{"id":"evt_1"}';
    const item = fc.oneof(
      fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }).map((t) => `t=${t}`),
      fc.constantFrom('v0=abc', 'x=1', 't', 't=', 'junk', ' t=5', 't=12abc'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 5 }), async (items) => {
        const t = signedTimestamp(items.join(','));
        fc.pre(Number.isFinite(t) && t > 0);
        const header = `${items.join(',')},v1=${hmac(secret, t, body)}`;
        // The SDK (no tolerance) accepts the signature made over our timestamp, and only that one.
        await expect(
          stripe.webhooks.constructEventAsync(body, header, secret, 0, crypto),
        ).resolves.toBeDefined();
        const other = `${items.join(',')},v1=${hmac(secret, t + 1, body)}`;
        await expect(stripe.webhooks.constructEventAsync(body, other, secret, 0, crypto)).rejects.toThrow();
      }),
      { numRuns: 200 },
    );
  });
});
