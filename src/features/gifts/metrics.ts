/**
 * @module Gift figures for the admin metrics: sold, redeemed and voided in a period, and gift
 * members now (from the running counts of open windows).
 */
import { and, count, eq, gte, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { giftMembersAt } from '../../db/member-counts';
import { gifts } from '../../db/schema';
import { epochSeconds } from '../../domain/time';

export interface GiftMetrics {
  /** Gifts paid in the period (whatever became of them since). */
  sold: number;
  redeemed: number;
  /** Refunded before redemption, in the period. */
  voided: number;
  /** Readers whose membership is a gift now. */
  liveMembers: number;
}

export async function giftMetrics(ctx: AppContext, period: { start: Date; end: Date }): Promise<GiftMetrics> {
  const t = epochSeconds(ctx.now());
  const within = (column: typeof gifts.paidAt | typeof gifts.redeemedAt | typeof gifts.voidedAt) =>
    and(gte(column, period.start), lt(column, period.end));
  const [[sold], [redeemed], [voided], [live]] = await Promise.all([
    ctx.db.select({ n: count() }).from(gifts).where(within(gifts.paidAt)),
    ctx.db.select({ n: count() }).from(gifts).where(within(gifts.redeemedAt)),
    ctx.db
      .select({ n: count() })
      .from(gifts)
      .where(and(eq(gifts.status, 'void'), within(gifts.voidedAt))),
    ctx.db.select({ n: giftMembersAt(t) }).from(sql`(select 1)`),
  ]);
  return {
    sold: Number(sold?.n ?? 0),
    redeemed: Number(redeemed?.n ?? 0),
    voided: Number(voided?.n ?? 0),
    liveMembers: Number(live?.n ?? 0),
  };
}
