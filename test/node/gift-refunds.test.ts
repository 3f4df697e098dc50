/**
 * A gift refunded after it was redeemed (issue 15, item 13): the gift is void and its months come
 * off the recipient's membership, never what they had before it: a recipient who redeemed during
 * the free trial is back on that trial; one whose access came only from the gift loses it now, and
 * publishers that know them hear `entitlement.ended` with reason `refunded`. Applied once.
 */
import { and, eq, sql } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gifts, webhookMessages } from '../../src/db/schema';
import { createPublisher } from '../support/door';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

let b: BillingHarness;
let publisher: { publisher: { id: string }; api_key: string };
beforeAll(async () => {
  b = await startBillingHarness();
  publisher = await createPublisher(b.h, 'Refund Gazette');
  const endpoint = await b.h.call('POST', '/v1/publisher/webhooks', {
    token: publisher.api_key,
    body: { url: 'http://127.0.0.1:9/hooks', events: ['entitlement.ended'] },
  });
  expect(endpoint.status, endpoint.text).toBe(201);
});
afterAll(async () => {
  await b.close();
});

const noFailures = async () => expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);

async function reader(email: string) {
  const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(res.status, res.text).toBe(201);
  return { token: res.json.session_token as string, id: res.json.reader.id as string };
}

/** A paid gift of `months` for `recipient`, redeemed by them; its payment intent. */
async function redeemedGift(months: 1 | 3, recipient: { token: string }) {
  const buyer = await reader(`buyer.${crypto.randomUUID()}@example.com`);
  const bought = await b.h.call('POST', '/v1/gifts', {
    token: buyer.token,
    body: { months, recipient_email: 'friend@example.com', currency: 'eur' },
  });
  expect((await payCheckout(b.control, bought.json.url as string)).ok).toBe(true);
  await noFailures();
  const id = bought.json.id as string;
  const link = (await b.h.call('GET', '/v1/gifts', { token: buyer.token })).json.data[0].redeem_url as string;
  const redeemed = await b.h.call('POST', '/v1/gifts/redeem', {
    token: recipient.token,
    body: { token: link.split('/').pop() },
  });
  expect(redeemed.status, redeemed.text).toBe(200);
  const [row] = await b.h.ctx.db.select().from(gifts).where(eq(gifts.id, id));
  return { id, paymentIntent: row?.stripePaymentIntentId ?? '' };
}

const me = async (token: string) => (await b.h.call('GET', '/v1/me', { token })).json;

describe('a gift refunded after redemption', () => {
  it('takes only its own months back: a recipient who redeemed during the trial is back on it', async () => {
    const recipient = await reader('trial.recipient@example.com');
    const trialEnds = (await me(recipient.token)).membership.trial_ends_at as string;
    const gift = await redeemedGift(3, recipient);
    expect((await me(recipient.token)).membership.status).toBe('comped');
    await b.stripe.refunds.create({ payment_intent: gift.paymentIntent });
    await noFailures();
    const after = await me(recipient.token);
    expect(after.membership).toMatchObject({ status: 'trialing', trial_ends_at: trialEnds });
    expect(after.entitlement).toMatchObject({ entitled: true });
    const [row] = await b.h.ctx.db.select().from(gifts).where(eq(gifts.id, gift.id));
    expect(row?.status).toBe('void');
    const audit = await b.h.ctx.db.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM audit_log WHERE action = 'gift.refunded' AND target_id = ${gift.id}`,
    );
    expect(audit[0]?.n).toBe(1);
  });

  it('ends access the gift alone gave, and tells the publishers that know the reader, once', async () => {
    const recipient = await reader('gift.only@example.com');
    // The free trial is over: the gift is all the reader has.
    const ended = await b.h.call('POST', `/v1/admin/members/${recipient.id}/trial`, {
      token: b.h.adminKey,
      body: { ends_at: new Date(b.emulatorNow() * 1000 - 60_000).toISOString() },
    });
    expect(ended.status, ended.text).toBe(200);
    const gift = await redeemedGift(1, recipient);
    const issued = await b.h.call('POST', '/v1/me/entitlement-token', {
      token: recipient.token,
      body: { publisher: publisher.publisher.id },
    });
    expect(decodeJwt(issued.json.token).membership).toBe('gift');
    const sub = decodeJwt(issued.json.token).sub;

    await b.stripe.refunds.create({ payment_intent: gift.paymentIntent });
    await noFailures();
    const after = await me(recipient.token);
    expect(after.entitlement).toMatchObject({ entitled: false });
    const refused = await b.h.call('POST', '/v1/me/entitlement-token', {
      token: recipient.token,
      body: { publisher: publisher.publisher.id },
    });
    expect(refused.status).toBe(402);
    const announced = await b.h.ctx.db
      .select({ body: webhookMessages.body })
      .from(webhookMessages)
      .where(
        and(
          eq(webhookMessages.publisherId, publisher.publisher.id),
          eq(webhookMessages.type, 'entitlement.ended'),
        ),
      );
    expect(announced.map((m) => JSON.parse(m.body).data)).toEqual([{ sub, reason: 'refunded' }]);
    // Stripe delivering the refund again changes nothing.
    const [event] = (await b.stripe.events.list({ type: 'charge.refunded', limit: 1 })).data;
    await b.control.redeliver(event?.id ?? '');
    await noFailures();
    expect(
      await b.h.ctx.db.select().from(webhookMessages).where(eq(webhookMessages.type, 'entitlement.ended')),
    ).toHaveLength(1);
  });
});
