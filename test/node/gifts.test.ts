/**
 * Issue 15, item 13 on the Node door: a gift of 3 months bought with a one-time Checkout payment
 * (the emulator charges it as Stripe does), the buyer and the recipient mailed the link, redeemed
 * by a new account as a `gift` membership (token claim `gift`) after the free trial, once; a gift
 * refunded before redemption is void.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gifts, outbox } from '../../src/db/schema';
import { createPublisher } from '../support/door';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness();
});
afterAll(async () => {
  await b.close();
});

async function reader(email: string) {
  const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(res.status, res.text).toBe(201);
  return { token: res.json.session_token as string, id: res.json.reader.id as string };
}

async function paidGift(buyer: string, months: 1 | 3 | 12, recipient: string) {
  const bought = await b.h.call('POST', '/v1/gifts', {
    token: buyer,
    body: { months, recipient_email: recipient, message: 'Happy reading', currency: 'eur' },
  });
  expect(bought.status, bought.text).toBe(200);
  expect((await payCheckout(b.control, bought.json.url as string)).ok).toBe(true);
  expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
  return bought.json.id as string;
}

describe('gifts', () => {
  it('refuses bad input with a 400 and changes nothing', async () => {
    const buyer = await reader('gift-bad@example.com');
    for (const body of [
      { months: 2, recipient_email: 'x@example.com' },
      { months: 3, recipient_email: 'not an address' },
      { months: 3, recipient_email: 'x@example.com', currency: 'jpy' },
    ]) {
      const res = await b.h.call('POST', '/v1/gifts', { token: buyer.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await b.h.ctx.db.select().from(gifts).where(eq(gifts.buyerReaderId, buyer.id))).toEqual([]);
    expect(
      (await b.h.call('POST', '/v1/gifts', { body: { months: 1, recipient_email: 'x@example.com' } })).status,
    ).toBe(401);
  });

  it('buy, pay, mail both, redeem by a new account as a gift membership after the trial, once', async () => {
    const buyer = await reader('gift-buyer@example.com');
    const id = await paidGift(buyer.token, 3, 'Friend@Example.com');
    const [charged] = (await b.stripe.checkout.sessions.list({ limit: 1 })).data;
    expect(charged).toMatchObject({
      mode: 'payment',
      amount_total: 3 * 899,
      currency: 'eur',
      payment_status: 'paid',
    });

    const list = await b.h.call('GET', '/v1/gifts', { token: buyer.token });
    const [gift] = list.json.data as { id: string; status: string; redeem_url: string; amount: number }[];
    expect(gift).toMatchObject({ id, status: 'paid', amount: 2697 });
    const token = gift?.redeem_url.split('/').pop() ?? '';
    const mails = await b.h.ctx.db.select().from(outbox).where(eq(outbox.template, 'gift_received'));
    expect(mails.map((m) => m.toAddress)).toEqual(['friend@example.com']);
    expect(mails[0]?.payload).toMatchObject({ months: 3, redeem_url: gift?.redeem_url });
    const toBuyer = await b.h.ctx.db.select().from(outbox).where(eq(outbox.template, 'gift_purchased'));
    expect(toBuyer.map((m) => m.toAddress)).toEqual(['gift-buyer@example.com']);
    // Stripe delivers again: no second mail.
    const [completed] = (await b.stripe.events.list({ type: 'checkout.session.completed', limit: 1 })).data;
    await b.control.redeliver(completed?.id ?? '');
    expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
    expect((await b.h.ctx.db.select().from(outbox).where(eq(outbox.template, 'gift_received'))).length).toBe(
      1,
    );

    const preview = await b.h.call('GET', `/v1/gifts/redeem/${token}`);
    expect(preview.json).toMatchObject({ months: 3, status: 'paid', from: 'gift-buyer@example.com' });
    expect((await b.h.call('GET', `/v1/gifts/redeem/${token.slice(0, -2)}xx`)).status).toBe(404);

    const friend = await reader('friend@example.com');
    const me = await b.h.call('GET', '/v1/me', { token: friend.token });
    const trialEnd = new Date(me.json.membership.trial_ends_at as string);
    const redeemed = await b.h.call('POST', '/v1/gifts/redeem', { token: friend.token, body: { token } });
    expect(redeemed.status, redeemed.text).toBe(200);
    const end = new Date(redeemed.json.ends_at as string);
    const expected = new Date(trialEnd);
    expected.setUTCMonth(expected.getUTCMonth() + 3);
    expect(end.getTime()).toBe(expected.getTime());

    const publisher = await createPublisher(b.h, 'Gift Gazette');
    const issued = await b.h.call('POST', '/v1/me/entitlement-token', {
      token: friend.token,
      body: { publisher: publisher.publisher.id },
    });
    expect(issued.status, issued.text).toBe(200);
    const claims = JSON.parse(
      Buffer.from(String(issued.json.token).split('.')[1] ?? '', 'base64url').toString(),
    );
    expect(claims.membership).toBe('gift');

    const again = await b.h.call('POST', '/v1/gifts/redeem', { token: buyer.token, body: { token } });
    expect(again.status).toBe(409);
    expect((await b.h.call('GET', `/v1/gifts/redeem/${token}`)).json.status).toBe('redeemed');
  });

  it('a refund before redemption voids the gift', async () => {
    const buyer = await reader('gift-refund@example.com');
    const id = await paidGift(buyer.token, 1, 'nobody@example.com');
    const [row] = await b.h.ctx.db.select().from(gifts).where(eq(gifts.id, id));
    await b.stripe.refunds.create({ payment_intent: row?.stripePaymentIntentId ?? '' });
    expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
    const list = await b.h.call('GET', '/v1/gifts', { token: buyer.token });
    expect(list.json.data[0]).toMatchObject({ id, status: 'void', redeem_url: null });
    const someone = await reader('late-friend@example.com');
    const { hmacSha256 } = await import('../../src/lib/crypto');
    const token = `${id}.${await hmacSha256(b.h.ctx.config.pairwiseSecret, `onepass:gift:${id}`)}`;
    const res = await b.h.call('POST', '/v1/gifts/redeem', { token: someone.token, body: { token } });
    expect(res.status).toBe(409);
    expect(res.json.detail).toContain('refunded');

    // Admin metrics count them: two sold, one redeemed (a gift member now), one voided.
    const metrics = await b.h.call('GET', '/v1/admin/metrics', { token: b.h.adminKey });
    expect(metrics.status, metrics.text).toBe(200);
    expect(metrics.json.gifts).toEqual({ sold: 2, redeemed: 1, voided: 1, live_members: 1 });
  });
});
