/**
 * @module Read reports, each an SQL aggregate over the (publisher, day) index: one publisher's reads
 * per day, and every publisher's reads over a range (for admins and payouts).
 */
import { and, asc, count, countDistinct, eq, gte, lte, sql, sum } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import {
  ledgerDays,
  type PublisherRow,
  publishers,
  type READ_REFUSALS,
  readDays,
  readRefusals,
  reads,
} from '../../db/schema';
import { type DayRange, daysOf } from '../../domain/days';
import type { AdminPrincipal } from '../admin';
import { lastTrimmedDay } from '../ledger';

export interface DayCount {
  date: string;
  reads: number;
  unique_readers: number;
}

export interface ReadsReport {
  from: string;
  to: string;
  reads: number;
  /** Null when the range reaches past the days `reads` keeps (see `pastHotDays`). */
  unique_readers: number | null;
  days: DayCount[];
}

/**
 * Whether a range reaches past the days `reads` still holds: with the period ledger, sealed days
 * older than READS_HOT_DAYS leave it (docs/LEDGER.md), and their figures come from `read_days`,
 * exact per publisher and day. A distinct count over such a range is not kept: it is null.
 */
async function pastHotDays(ctx: AppContext, range: DayRange): Promise<boolean> {
  return (await lastTrimmedDay(ctx, range)) !== null;
}

/** The range's sealed days: answered from `read_days`; every other day from `reads`. */
const sealedDaysOf = (range: DayRange) =>
  sql`(select ${ledgerDays.day} from ${ledgerDays} where ${ledgerDays.sealedAt} is not null
       and ${ledgerDays.day} >= ${range.from} and ${ledgerDays.day} <= ${range.to})`;

/** The rows of one publisher (or, without one, every publisher) over the range, in `reads` or `read_days`. */
const inRange = (table: typeof reads | typeof readDays, range: DayRange, publisherId?: string) =>
  and(
    publisherId ? eq(table.publisherId, publisherId) : undefined,
    gte(table.day, range.from),
    lte(table.day, range.to),
  );

/** Per-day reads and readers of one publisher (or, without one, per publisher), sealed days from `read_days`. */
async function splitCounts(ctx: AppContext, range: DayRange, publisherId?: string) {
  const sealed = sealedDaysOf(range);
  const [fromDays, fromReads] = await ctx.db.batch([
    ctx.db
      .select({
        publisherId: readDays.publisherId,
        day: readDays.day,
        reads: readDays.reads,
        readers: readDays.readers,
      })
      .from(readDays)
      .where(and(inRange(readDays, range, publisherId), sql`${readDays.day} in ${sealed}`)),
    ctx.db
      .select({
        publisherId: reads.publisherId,
        day: reads.day,
        reads: count(),
        readers: countDistinct(reads.subject),
      })
      .from(reads)
      .where(and(inRange(reads, range, publisherId), sql`${reads.day} not in ${sealed}`))
      .groupBy(reads.publisherId, reads.day),
  ]);
  return [...fromDays, ...fromReads].map((r) => ({
    ...r,
    reads: Number(r.reads),
    readers: Number(r.readers),
  }));
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
  const { total, uniqueReaders, byDay } = (await pastHotDays(ctx, range))
    ? await publisherDaysSplit(ctx, range, publisher.id)
    : await publisherDaysHot(ctx, range, publisher.id);
  return {
    from: range.from,
    to: range.to,
    reads: total,
    unique_readers: uniqueReaders,
    days: daysOf(range).map((date) => ({
      date,
      reads: byDay.get(date)?.reads ?? 0,
      unique_readers: byDay.get(date)?.readers ?? 0,
    })),
  };
}

type PublisherDays = {
  total: number;
  uniqueReaders: number | null;
  byDay: Map<string, { reads: number; readers: number }>;
};

/** One publisher's days over a range `reads` still holds whole, with the range's distinct readers. */
async function publisherDaysHot(
  ctx: AppContext,
  range: DayRange,
  publisherId: string,
): Promise<PublisherDays> {
  const where = inRange(reads, range, publisherId);
  const [days, totals] = await ctx.db.batch([
    ctx.db
      .select({ day: reads.day, reads: count(), readers: countDistinct(reads.subject) })
      .from(reads)
      .where(where)
      .groupBy(reads.day)
      .orderBy(asc(reads.day)),
    ctx.db
      .select({ reads: count(), uniqueReaders: countDistinct(reads.subject) })
      .from(reads)
      .where(where),
  ]);
  return {
    total: totals[0]?.reads ?? 0,
    uniqueReaders: totals[0]?.uniqueReaders ?? 0,
    byDay: new Map(days.map((d) => [d.day, d])),
  };
}

/** The same over a range reaching past the hot days: each day's figures, no distinct count. */
async function publisherDaysSplit(
  ctx: AppContext,
  range: DayRange,
  publisherId: string,
): Promise<PublisherDays> {
  const rows = await splitCounts(ctx, range, publisherId);
  return {
    total: rows.reduce((sum, d) => sum + d.reads, 0),
    uniqueReaders: null,
    byDay: new Map(rows.map((d) => [d.day, d])),
  };
}

/** Every publisher's reads and distinct readers over a range `reads` still holds whole. */
function hotByPublisher(ctx: AppContext, range: DayRange) {
  return ctx.db
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
}

/** The same over a range reaching past the hot days: sums of the days' figures, no distinct count. */
async function splitByPublisher(ctx: AppContext, range: DayRange) {
  const totals = new Map<string, number>();
  for (const row of await splitCounts(ctx, range)) {
    totals.set(row.publisherId, (totals.get(row.publisherId) ?? 0) + row.reads);
  }
  const all = await ctx.db.select({ publisherId: publishers.id, name: publishers.name }).from(publishers);
  return all
    .map((p) => ({ ...p, reads: totals.get(p.publisherId) ?? 0, uniqueReaders: null }))
    .sort((x, y) => y.reads - x.reads || (x.publisherId < y.publisherId ? -1 : 1));
}

export interface PublisherReads {
  publisherId: string;
  name: string;
  reads: number;
  /** Null when the range reaches past the days `reads` keeps. */
  uniqueReaders: number | null;
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
  const rows = (await pastHotDays(ctx, range))
    ? await splitByPublisher(ctx, range)
    : await hotByPublisher(ctx, range);
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
    uniqueReaders: r.uniqueReaders === null ? null : Number(r.uniqueReaders),
    refused: refusedBy.get(r.publisherId) ?? {},
  }));
}
