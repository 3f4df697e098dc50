/**
 * @module Stripe's word on gifts: a completed payment-mode Checkout Session makes its gift
 * redeemable and mails the buyer and the recipient (once: the mails wait on the gift being paid
 * and are deduplicated by key); a refund of its payment voids it, and after redemption takes its
 * months back (refund.ts).
 */
import { and, eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { AppContext } from '../../app/context';
import { insertIf } from '../../db/insert-if';
import { gifts, outbox } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import { mailRow } from '../mail';
import { redeemUrl } from './links';
import { withdrawRedeemedGift } from './refund';

/** Whether a Checkout Session event is a gift's (its metadata names one). */
export function isGiftSession(event: Stripe.Event): boolean {
  const session = event.data.object as Partial<Stripe.Checkout.Session>;
  return session.object === 'checkout.session' && session.mode === 'payment' && !!session.metadata?.gift_id;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

/** `checkout.session.completed` of a gift: paid → redeemable, mails to both. Idempotent. */
export async function onGiftPaid(ctx: AppContext, event: Stripe.Event): Promise<void> {
  const session = event.data.object as Stripe.Checkout.Session;
  const giftId = session.metadata?.gift_id ?? '';
  if (session.payment_status !== 'paid') return;
  const [gift] = await ctx.db.select().from(gifts).where(eq(gifts.id, giftId)).limit(1);
  if (!gift) {
    ctx.logger.warn('gift payment for an unknown gift', { gift_id: giftId, event: event.id });
    return;
  }
  const now = wholeSeconds(ctx.now());
  const link = await redeemUrl(ctx.config, gift.id);
  const paid = sql`exists (select 1 from ${gifts} where ${gifts.id} = ${gift.id} and ${gifts.status} = 'paid')`;
  const from = gift.buyerEmail;
  await ctx.db.batch([
    ctx.db
      .update(gifts)
      .set({
        status: 'paid',
        paidAt: now,
        stripePaymentIntentId: idOf(session.payment_intent),
        stripeCheckoutSessionId: session.id,
      })
      .where(and(eq(gifts.id, gift.id), eq(gifts.status, 'pending'))),
    insertIf(
      ctx.db,
      outbox,
      mailRow(ctx, {
        dedupeKey: `gift-purchased:${gift.id}`,
        readerId: gift.buyerReaderId,
        to: gift.buyerEmail,
        template: 'gift_purchased',
        payload: {
          months: gift.months,
          amount: gift.amount,
          currency: gift.currency,
          recipient_email: gift.recipientEmail,
          redeem_url: link,
        },
      }),
      paid,
    ),
    insertIf(
      ctx.db,
      outbox,
      mailRow(ctx, {
        dedupeKey: `gift-received:${gift.id}`,
        readerId: null,
        to: gift.recipientEmail,
        template: 'gift_received',
        payload: { months: gift.months, from, message: gift.message ?? '', redeem_url: link },
      }),
      paid,
    ),
  ]);
  ctx.logger.info('gift paid', { gift_id: gift.id, event: event.id });
}

/**
 * `charge.refunded` of a gift's payment: a gift not yet redeemed is voided (its link then says so).
 * Returns whether the charge was a gift's, so that the membership handlers leave it alone.
 */
export async function onGiftRefunded(ctx: AppContext, event: Stripe.Event): Promise<boolean> {
  const charge = event.data.object as Stripe.Charge;
  const paymentIntent = idOf(charge.payment_intent);
  const giftId = charge.metadata?.gift_id;
  if (!paymentIntent && !giftId) return false;
  const [gift] = await ctx.db
    .select({
      id: gifts.id,
      status: gifts.status,
      months: gifts.months,
      redeemedBy: gifts.redeemedBy,
      endsAt: gifts.endsAt,
    })
    .from(gifts)
    .where(paymentIntent ? eq(gifts.stripePaymentIntentId, paymentIntent) : eq(gifts.id, giftId ?? ''))
    .limit(1);
  if (!gift) return false;
  if (charge.refunded && gift.status === 'redeemed') await withdrawRedeemedGift(ctx, gift, event.id);
  else if (charge.refunded) {
    await ctx.db
      .update(gifts)
      .set({ status: 'void', voidedAt: wholeSeconds(ctx.now()) })
      .where(and(eq(gifts.id, gift.id), sql`${gifts.status} in ('pending', 'paid')`));
  }
  ctx.logger.info('gift payment refunded', { gift_id: gift.id, full: charge.refunded, was: gift.status });
  return true;
}
