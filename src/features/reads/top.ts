/**
 * @module A publisher's most read articles over a day range (its days `reads` still holds), one SQL
 * aggregate over its (publisher, day) index.
 */
import { and, count, countDistinct, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { reads } from '../../db/schema';
import { addDays, type DayRange } from '../../domain/days';
import { lastTrimmedDay } from '../ledger';

export interface TopArticle {
  articleId: string;
  /** The latest title and URL the publisher reported for it, if any. */
  title: string | null;
  url: string | null;
  reads: number;
  uniqueReaders: number;
}

export async function topArticles(
  ctx: AppContext,
  publisherId: string,
  range: DayRange,
  limit = 10,
): Promise<TopArticle[]> {
  // Articles are not kept per day once a day leaves `reads` (READS_HOT_DAYS, with the reads ledger).
  const trimmed = await lastTrimmedDay(ctx, range);
  const from = trimmed === null ? range.from : addDays(trimmed, 1);
  const rows = await ctx.db
    .select({
      articleId: reads.articleId,
      title: sql<string | null>`max(${reads.title})`,
      url: sql<string | null>`max(${reads.url})`,
      reads: count(),
      uniqueReaders: countDistinct(reads.subject),
    })
    .from(reads)
    .where(and(eq(reads.publisherId, publisherId), gte(reads.day, from), lte(reads.day, range.to)))
    .groupBy(reads.articleId)
    .orderBy(desc(count()), reads.articleId)
    .limit(limit);
  return rows.map((r) => ({ ...r, reads: Number(r.reads), uniqueReaders: Number(r.uniqueReaders) }));
}
