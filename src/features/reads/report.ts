/**
 * @module Read reports, each an SQL aggregate over the (publisher, day) index: one publisher's reads
 * per day, and every publisher's reads over a range (for admins and payouts).
 */
import { and, asc, count, countDistinct, eq, gte, lte, sql, sum } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { type PublisherRow, publishers, type READ_REFUSALS, readRefusals, reads } from '../../db/schema';
import { type DayRange, daysOf } from '../../domain/days';
import type { AdminPrincipal } from '../admin';

export interface DayCount {
  date: string;
  reads: number;
  unique_readers: number;
}

export interface ReadsReport {
  from: string;
  to: string;
  reads: number;
  unique_readers: number;
  days: DayCount[];
}

/**
 * The publisher's own reads between two UTC days (both included). `unique_readers` of the whole
 * range counts each pairwise reader once, so it is not the sum of the days'. Days without reads are
 * listed with zeros.
 */
export async function publisherReads({
  ctx,
  principal: publisher,
  input: range,
}: UseCase<DayRange, PublisherRow>): Promise<ReadsReport> {
  const where = and(
    eq(reads.publisherId, publisher.id),
    gte(reads.day, range.from),
    lte(reads.day, range.to),
  );
  const [byDay, totals] = await ctx.db.batch([
    ctx.db
      .select({ day: reads.day, reads: count(), uniqueReaders: countDistinct(reads.subject) })
      .from(reads)
      .where(where)
      .groupBy(reads.day)
      .orderBy(asc(reads.day)),
    ctx.db
      .select({ reads: count(), uniqueReaders: countDistinct(reads.subject) })
      .from(reads)
      .where(where),
  ]);
  const found = new Map(byDay.map((d) => [d.day, d]));
  return {
    from: range.from,
    to: range.to,
    reads: totals[0]?.reads ?? 0,
    unique_readers: totals[0]?.uniqueReaders ?? 0,
    days: daysOf(range).map((date) => ({
      date,
      reads: found.get(date)?.reads ?? 0,
      unique_readers: found.get(date)?.uniqueReaders ?? 0,
    })),
  };
}

export interface PublisherReads {
  publisherId: string;
  name: string;
  reads: number;
  uniqueReaders: number;
  /** Reads reported and not counted, by reason (see `recordRead`). */
  refused: Partial<Record<(typeof READ_REFUSALS)[number], number>>;
}

/**
 * Reads and unique (pairwise) readers of every publisher over a day range, most read first. A
 * reader counts once per publisher; across publishers the same person has different pairwise ids.
 */
export async function readsByPublisher({
  ctx,
  input: range,
}: UseCase<DayRange, AdminPrincipal>): Promise<PublisherReads[]> {
  const rows = await ctx.db
    .select({
      publisherId: publishers.id,
      name: publishers.name,
      reads: count(reads.publisherId),
      uniqueReaders: sql<number>`count(distinct ${reads.subject})`,
    })
    .from(publishers)
    .leftJoin(
      reads,
      and(eq(reads.publisherId, publishers.id), gte(reads.day, range.from), lte(reads.day, range.to)),
    )
    .groupBy(publishers.id, publishers.name)
    .orderBy(sql`count(${reads.publisherId}) desc`, publishers.id);
  const refusals = await ctx.db
    .select({
      publisherId: readRefusals.publisherId,
      reason: readRefusals.reason,
      count: sum(readRefusals.count),
    })
    .from(readRefusals)
    .where(and(gte(readRefusals.day, range.from), lte(readRefusals.day, range.to)))
    .groupBy(readRefusals.publisherId, readRefusals.reason);
  const refusedBy = new Map<string, PublisherReads['refused']>();
  for (const r of refusals) {
    refusedBy.set(r.publisherId, { ...refusedBy.get(r.publisherId), [r.reason]: Number(r.count) });
  }
  return rows.map((r) => ({
    ...r,
    reads: Number(r.reads),
    uniqueReaders: Number(r.uniqueReaders),
    refused: refusedBy.get(r.publisherId) ?? {},
  }));
}
