/** @module Buying a gift: the row (pending), then a one-time Checkout payment; the buyer's gifts with their links. */
import { desc, eq } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { newId } from '../../db/ids';
import { type GiftStatus, gifts } from '../../db/schema';
import { type GiftMonths, giftAmount } from '../../domain/gifts';
import { wholeSeconds } from '../../domain/time';
import { auditEntry } from '../audit';
import { callStripe, planPrices } from '../billing';
import type { Authenticated } from '../readers';
import { giftToken, giftTokenHash, redeemUrl } from './links';

export interface BuyGiftInput {
  months: GiftMonths;
  recipientEmail: string;
  recipientName?: string | undefined;
  message?: string | undefined;
  /** One the plans are sold in; default: the prices' own. */
  currency?: string | undefined;
}

export interface GiftView {
  id: string;
  months: number;
  recipientEmail: string;
  status: GiftStatus;
  amount: number;
  currency: string;
  /** The link to pass on, once the gift is paid. */
  redeemUrl: string | null;
  endsAt: Date | null;
  createdAt: Date;
}

/** Records the gift and opens a payment-mode Checkout Session for it; the gift is redeemable once Stripe says it is paid. */
export async function buyGift({
  ctx,
  principal: who,
  input,
}: UseCase<BuyGiftInput, Authenticated & { requestId: string }>): Promise<{ id: string; url: string }> {
  if (!who.reader.email)
    throw new ApiError('conflict', 'Add an email address to your account to buy a gift.');
  const prices = await planPrices(ctx, { currency: input.currency });
  const [monthly, annual] = prices.plans;
  if (!monthly || !annual) throw new ApiError('unavailable', 'The plans have no price yet.');
  const amount = giftAmount(input.months, { monthly: monthly.amount, annual: annual.amount });
  const id = newId('gift');
  const now = wholeSeconds(ctx.now());
  const base = ctx.config.publicUrl;
  const product = await callStripe(ctx, 'prices.retrieve', async (stripe) => {
    const price = await stripe.prices.retrieve(monthly.priceId);
    return typeof price.product === 'string' ? price.product : price.product.id;
  });
  const row = {
    id,
    buyerReaderId: who.reader.id,
    buyerEmail: who.reader.email,
    recipientEmail: input.recipientEmail.toLowerCase(),
    recipientName: input.recipientName ?? null,
    message: input.message ?? null,
    months: input.months,
    amount,
    currency: prices.currency,
    status: 'pending' as const,
    tokenHash: await giftTokenHash(await giftToken(ctx.config, id)),
    createdAt: now,
  };
  await ctx.db.batch([
    ctx.db.insert(gifts).values(row),
    auditEntry(
      ctx,
      { actor: { keyId: who.reader.id }, requestId: who.requestId },
      {
        action: 'gift.buy',
        targetType: 'gift',
        targetId: id,
        before: null,
        after: { months: row.months, amount, currency: row.currency, recipient: row.recipientEmail },
      },
    ),
  ]);
  const session = await callStripe(ctx, 'checkout.sessions.create', (stripe) =>
    stripe.checkout.sessions.create(
      {
        mode: 'payment',
        customer_email: who.reader.email ?? undefined,
        client_reference_id: who.reader.id,
        line_items: [
          {
            price_data: {
              currency: prices.currency,
              unit_amount: amount,
              product,
            },
            quantity: 1,
          },
        ],
        metadata: { gift_id: id, reader_id: who.reader.id },
        payment_intent_data: { metadata: { gift_id: id } },
        success_url: `${base}/gift/thanks?gift=${id}`,
        cancel_url: `${base}/gift`,
      },
      { idempotencyKey: `gift-${id}` },
    ),
  );
  if (!session.url) throw new ApiError('unavailable', 'Stripe did not return a checkout URL.');
  await ctx.db.update(gifts).set({ stripeCheckoutSessionId: session.id }).where(eq(gifts.id, id));
  ctx.logger.info('gift checkout started', { gift_id: id, reader_id: who.reader.id, months: input.months });
  return { id, url: session.url };
}

/** The gifts the reader bought, newest first, with the link of each paid one. */
export async function listBoughtGifts({
  ctx,
  principal: who,
}: UseCase<void, Authenticated>): Promise<GiftView[]> {
  const rows = await ctx.db
    .select()
    .from(gifts)
    .where(eq(gifts.buyerReaderId, who.reader.id))
    .orderBy(desc(gifts.createdAt), desc(gifts.id))
    .limit(100);
  return Promise.all(
    rows.map(async (g) => ({
      id: g.id,
      months: g.months,
      recipientEmail: g.recipientEmail,
      status: g.status,
      amount: g.amount,
      currency: g.currency,
      redeemUrl: g.status === 'paid' ? await redeemUrl(ctx.config, g.id) : null,
      endsAt: g.endsAt,
      createdAt: g.createdAt,
    })),
  );
}
