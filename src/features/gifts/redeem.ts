/** @module Redeeming a gift by its link: a `gift` membership (complimentary, marked a gift) until its months have passed. */
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { GIFT_COMP_REASON, toMembership } from '../../db/memberships';
import { gifts, memberships, type readers } from '../../db/schema';
import { addMonths, giftMembership, giftStart, redeemRefusal } from '../../domain/gifts';
import { wholeSeconds } from '../../domain/time';
import { auditEntryIf } from '../audit';
import type { Authenticated } from '../readers';
import { GIFT_TOKEN_SHAPE, giftTokenHash } from './links';

export interface GiftPreview {
  id: string;
  months: number;
  status: 'pending' | 'paid' | 'redeemed' | 'void';
  recipientName: string | null;
  message: string | null;
  /** Whom it is from: the buyer's address. */
  from: string;
  endsAt: Date | null;
}

async function giftOfToken(ctx: AppContext, token: string) {
  if (!GIFT_TOKEN_SHAPE.test(token)) return null;
  const [gift] = await ctx.db
    .select()
    .from(gifts)
    .where(eq(gifts.tokenHash, await giftTokenHash(token)))
    .limit(1);
  return gift ?? null;
}

/** What a gift link offers; 404 for a link that names no gift. */
export async function previewGift({ ctx, input }: UseCase<{ token: string }>): Promise<GiftPreview> {
  const gift = await giftOfToken(ctx, input.token);
  if (!gift) throw new ApiError('not_found', 'There is no gift at this link.');
  return {
    id: gift.id,
    months: gift.months,
    status: gift.status,
    recipientName: gift.recipientName,
    message: gift.message,
    from: gift.buyerEmail,
    endsAt: gift.endsAt,
  };
}

type Reader = typeof readers.$inferSelect;

/**
 * Redeems the gift for the signed-in reader (any reader with the link, once): the membership
 * becomes a gift until its months after what the reader already has (a trial, an earlier gift).
 * 409 when it is not paid, already redeemed or voided, or while the reader pays a subscription.
 */
export async function redeemGift({
  ctx,
  principal: who,
  input,
}: UseCase<{ token: string }, Authenticated & { requestId: string }>): Promise<{ endsAt: Date }> {
  const gift = await giftOfToken(ctx, input.token);
  if (!gift) throw new ApiError('not_found', 'There is no gift at this link.');
  if (gift.status === 'redeemed') throw new ApiError('conflict', 'This gift has already been redeemed.');
  if (gift.status === 'void')
    throw new ApiError('conflict', 'This gift was refunded and can no longer be redeemed.');
  if (gift.status === 'pending') throw new ApiError('conflict', 'This gift is not paid yet.');
  const reader: Reader = who.reader;
  const before = toMembership(who.membershipRow);
  const refusal = redeemRefusal(reader, before);
  if (refusal === 'pays_through_stripe') {
    throw new ApiError(
      'conflict',
      'You pay for a subscription: cancel it in billing first, or pass the gift on to someone else.',
    );
  }
  if (refusal === 'deleted') throw new ApiError('not_found', 'The reader has no membership.');
  const now = wholeSeconds(ctx.now());
  const endsAt = addMonths(giftStart(before, now), gift.months);
  const next = giftMembership(before, endsAt);
  const version = who.membershipRow?.version ?? 0;
  const mine = sql`exists (select 1 from ${gifts} where ${gifts.id} = ${gift.id} and ${gifts.status} = 'redeemed' and ${gifts.redeemedBy} = ${reader.id} and ${gifts.redeemedAt} = ${Math.floor(now.getTime() / 1000)})`;
  const [claimed] = await ctx.db.batch([
    ctx.db
      .update(gifts)
      .set({ status: 'redeemed', redeemedBy: reader.id, redeemedAt: now, endsAt })
      .where(and(eq(gifts.id, gift.id), eq(gifts.status, 'paid')))
      .returning({ id: gifts.id }),
    ctx.db
      .update(memberships)
      .set({
        status: next.status,
        plan: next.plan,
        currentPeriodEnd: null,
        cancelAtPeriodEnd: false,
        graceUntil: null,
        compUntil: endsAt,
        compReason: `${GIFT_COMP_REASON}${gift.id}`,
        endedReason: null,
        version: version + 1,
        updatedAt: now,
      })
      .where(and(eq(memberships.readerId, reader.id), mine)),
    auditEntryIf(
      ctx,
      { actor: { keyId: reader.id }, requestId: who.requestId },
      {
        action: 'gift.redeem',
        targetType: 'gift',
        targetId: gift.id,
        before: { status: 'paid', membership: before?.status ?? null },
        after: { status: 'redeemed', reader: reader.id, ends_at: endsAt.toISOString() },
      },
      mine,
    ),
  ]);
  if (claimed.length === 0) throw new ApiError('conflict', 'This gift has already been redeemed.');
  ctx.logger.info('gift redeemed', { gift_id: gift.id, reader_id: reader.id });
  return { endsAt };
}
