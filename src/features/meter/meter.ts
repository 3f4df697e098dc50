/**
 * @module The network-wide meter: a signed-in reader without an entitlement reads
 * METER_FREE_ARTICLES articles a month free, across every publisher. An article counts once
 * however often it is opened; the allowance holds under concurrent requests (one conditional insert).
 */
import { and, count, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { insertIf } from '../../db/insert-if';
import { meterArticles } from '../../db/schema';
import { meterMonth, meterResetsAt } from '../../domain/meter';
import { wholeSeconds } from '../../domain/time';

export interface MeterStatus {
  /** Articles counted this month. */
  used: number;
  allowance: number;
  resetsAt: Date;
}

export interface MeteredArticle extends MeterStatus {
  /** Whether this article may be read: counted now, or already counted this month. */
  granted: boolean;
}

/** The reader's meter this month, or null when the meter is off (METER_FREE_ARTICLES = 0). */
export async function meterStatus(ctx: AppContext, readerId: string): Promise<MeterStatus | null> {
  const allowance = ctx.config.meterFreeArticles;
  if (allowance === 0) return null;
  const now = ctx.now();
  const [row] = await ctx.db
    .select({ used: count() })
    .from(meterArticles)
    .where(and(eq(meterArticles.readerId, readerId), eq(meterArticles.month, meterMonth(now))));
  return { used: row?.used ?? 0, allowance, resetsAt: meterResetsAt(now) };
}

const ofArticle = (readerId: string, month: string, publisherId: string, articleId: string) =>
  and(
    eq(meterArticles.readerId, readerId),
    eq(meterArticles.month, month),
    eq(meterArticles.publisherId, publisherId),
    eq(meterArticles.articleId, articleId),
  );

/**
 * Counts one article against the reader's allowance if it is not counted yet and the allowance is
 * not spent: in one batch, the conditional insert (the count is taken inside the statement, so
 * concurrent requests cannot overrun it), the month's count and whether this article is in it.
 * `granted` false when the meter is off or spent.
 */
export async function takeMeteredArticle(
  ctx: AppContext,
  input: { readerId: string; publisherId: string; articleId: string },
): Promise<MeteredArticle> {
  const allowance = ctx.config.meterFreeArticles;
  const now = wholeSeconds(ctx.now());
  const resetsAt = meterResetsAt(now);
  if (allowance === 0) return { granted: false, used: 0, allowance, resetsAt };
  const month = meterMonth(now);
  const { readerId, publisherId, articleId } = input;
  const used = sql`(select count(*) from ${meterArticles} where ${meterArticles.readerId} = ${readerId} and ${meterArticles.month} = ${month})`;
  const [, counted, mine] = await ctx.db.batch([
    insertIf(
      ctx.db,
      meterArticles,
      { readerId, month, publisherId, articleId, createdAt: now },
      sql`${used} < ${allowance}`,
    ),
    ctx.db
      .select({ used: count() })
      .from(meterArticles)
      .where(and(eq(meterArticles.readerId, readerId), eq(meterArticles.month, month))),
    ctx.db
      .select({ one: sql<number>`1` })
      .from(meterArticles)
      .where(ofArticle(readerId, month, publisherId, articleId))
      .limit(1),
  ]);
  return { granted: mine.length > 0, used: counted[0]?.used ?? 0, allowance, resetsAt };
}

/** Whether `takeMeteredArticle` would grant this article now, without counting it (for `/access`). */
export async function meterWouldGrant(
  ctx: AppContext,
  input: { readerId: string; publisherId: string; articleId: string },
): Promise<boolean> {
  const status = await meterStatus(ctx, input.readerId);
  if (status === null) return false;
  if (status.used < status.allowance) return true;
  const [row] = await ctx.db
    .select({ one: sql<number>`1` })
    .from(meterArticles)
    .where(ofArticle(input.readerId, meterMonth(ctx.now()), input.publisherId, input.articleId))
    .limit(1);
  return row !== undefined;
}
