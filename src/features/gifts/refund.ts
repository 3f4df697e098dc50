/**
 * @module A refund of a gift that was already redeemed: the gift is void and its months come off
 * the recipient's complimentary membership (what they had before it stays); access that ends now is
 * announced to publishers (`entitlement.ended`, `refunded`). One batch, applied once.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { GIFT_COMP_REASON } from '../../db/memberships';
import { gifts, memberships } from '../../db/schema';
import { refundedGiftEnd } from '../../domain/gifts';
import { epochSeconds, wholeSeconds } from '../../domain/time';
import { auditEntryIf } from '../audit';
import { entitlementEndedRows, sendWebhooksSoon } from '../webhooks';

export interface RedeemedGift {
  id: string;
  months: number;
  redeemedBy: string | null;
  endsAt: Date | null;
}

export async function withdrawRedeemedGift(
  ctx: AppContext,
  gift: RedeemedGift,
  eventId: string,
): Promise<void> {
  const now = wholeSeconds(ctx.now());
  const stillRedeemed = sql`exists (select 1 from ${gifts} where ${gifts.id} = ${gift.id} and ${gifts.status} = 'redeemed')`;
  const voidIt = ctx.db
    .update(gifts)
    .set({ status: 'void', voidedAt: now })
    .where(and(eq(gifts.id, gift.id), eq(gifts.status, 'redeemed')));
  const readerId = gift.redeemedBy;
  if (readerId === null || gift.endsAt === null) {
    await voidIt;
    return;
  }
  const until = refundedGiftEnd(gift.endsAt, gift.months, now);
  const endsNow = until.getTime() <= now.getTime();
  // Only while the membership is still this gift's (a later gift, a subscription or an admin's comp
  // since is left alone), and only the first time (the gift is still `redeemed`).
  const ours = and(
    eq(memberships.readerId, readerId),
    eq(memberships.status, 'comped'),
    eq(memberships.compReason, `${GIFT_COMP_REASON}${gift.id}`),
    stillRedeemed,
  );
  const backToTrial = sql`coalesce(${memberships.trialEndsAt}, 0) = ${epochSeconds(until)} and ${epochSeconds(until)} > ${epochSeconds(now)}`;
  const withdrawn = sql`exists (select 1 from ${memberships} where ${ours})`;
  await ctx.db.batch([
    auditEntryIf(
      ctx,
      { actor: { keyId: 'stripe' }, requestId: eventId },
      {
        action: 'gift.refunded',
        targetType: 'gift',
        targetId: gift.id,
        before: { status: 'redeemed', reader: readerId, ends_at: gift.endsAt.toISOString() },
        after: { status: 'void', comp_until: until.toISOString() },
      },
      withdrawn,
    ),
    ...(endsNow
      ? [
          entitlementEndedRows(ctx, {
            readerId,
            reason: 'refunded',
            cause: `gift-refund:${gift.id}`,
            condition: withdrawn,
          }),
        ]
      : []),
    ctx.db
      .update(memberships)
      .set({
        // Back to the free trial the gift followed, when that is what is left; else comp to `until`.
        status: sql`case when ${backToTrial} then 'trialing' else 'comped' end`,
        compUntil: sql`case when ${backToTrial} then null else ${epochSeconds(until)} end`,
        compReason: sql`case when ${backToTrial} then null else ${memberships.compReason} end`,
        version: sql`${memberships.version} + 1`,
        updatedAt: now,
      })
      .where(ours),
    voidIt,
  ]);
  if (endsNow) sendWebhooksSoon(ctx);
  ctx.logger.info('redeemed gift refunded', { gift_id: gift.id, reader_id: readerId, ends_now: endsNow });
}
