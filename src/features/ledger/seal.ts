/**
 * @module Sealing: each ended UTC day's reads copied from `reads` into the period ledger, in
 * bounded pages by rowid, at least once (a retried page inserts nothing twice) and counted exactly
 * once (the cursor, the count and the day's figures per publisher move together, compare-and-set),
 * then the day marked sealed.
 */
import { and, count, eq, gte, isNotNull, lt, type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { ledgerDays, readDays, reads } from '../../db/schema';
import { addDays, DAY_MS, daysOf, utcDay } from '../../domain/days';
import { monthBounds } from '../../domain/payout';
import { wholeSeconds } from '../../domain/time';
import type { Ledger, LedgerDb } from './ledger';
import { dayNumber, monthOfDay, shardOf } from './partition';

/** Reads per page copied; a page is one read of `reads`, one ledger batch and one cursor update. */
export const SEAL_PAGE = 1_000;
/** D1 binds at most 100 parameters a statement: 4 a read, 1 a publisher. */
const READS_PER_INSERT = 25;
const PUBLISHERS_PER_INSERT = 100;
/** A day is sealed only this long after it ended, past any clock skew between instances. */
const SETTLE_MS = 5 * 60_000;

/** How many pages one run (a request or a scheduled run) may copy: D1 counts every query. */
export interface SealBudget {
  pages: number;
}

interface HotRead {
  id: number;
  publisher_id: string;
  subject: string;
  article_id: string;
}

/** The last day whose reads can no longer change. */
export function lastClosedDay(now: Date): string {
  return utcDay(new Date(now.getTime() - SETTLE_MS - DAY_MS));
}

async function copyToLedger(ledger: Ledger, day: string, rows: HotRead[]): Promise<void> {
  const byShard = new Map<number, HotRead[]>();
  for (const row of rows) {
    const shard = shardOf(row.publisher_id, ledger.shards);
    const group = byShard.get(shard);
    if (group) group.push(row);
    else byShard.set(shard, [row]);
  }
  const n = dayNumber(day);
  for (const [shard, reads] of byShard) {
    const db: LedgerDb = await ledger.open(monthOfDay(day), shard);
    const ids = [...new Set(reads.map((r) => r.publisher_id))];
    const statements: SQL[] = [];
    for (let i = 0; i < ids.length; i += PUBLISHERS_PER_INSERT) {
      const values = ids.slice(i, i + PUBLISHERS_PER_INSERT).map((id) => sql`(${id})`);
      statements.push(sql`insert or ignore into ledger_publishers (id) values ${sql.join(values, sql`, `)}`);
    }
    for (let i = 0; i < reads.length; i += READS_PER_INSERT) {
      const values = reads
        .slice(i, i + READS_PER_INSERT)
        .map(
          (r) =>
            sql`((select no from ledger_publishers where id = ${r.publisher_id}), ${r.subject}, ${r.article_id}, ${n})`,
        );
      statements.push(
        sql`insert or ignore into ledger_reads (publisher_no, subject, article_id, day) values ${sql.join(values, sql`, `)}`,
      );
    }
    await db.batch(statements);
  }
}

/** Copies what is left of an ended day within the budget; true once the day is sealed. */
export async function sealDay(
  ctx: AppContext,
  ledger: Ledger,
  day: string,
  budget: SealBudget,
): Promise<boolean> {
  if (day > lastClosedDay(ctx.now())) return false;
  await ctx.db.insert(ledgerDays).values({ day }).onConflictDoNothing();
  for (;;) {
    const [state] = await ctx.db.select().from(ledgerDays).where(eq(ledgerDays.day, day)).limit(1);
    if (!state) throw new Error(`ledger_days lost ${day}`);
    if (state.sealedAt) return true;
    if (budget.pages <= 0) return false;
    budget.pages--;
    // reads_day_idx holds (day, rowid): a seek, in rowid order.
    const page = await ctx.db.all<HotRead>(
      sql`select rowid as id, publisher_id, subject, article_id from reads
          where day = ${day} and rowid > ${state.cursor} order by rowid limit ${SEAL_PAGE}`,
    );
    const moved = and(eq(ledgerDays.day, day), eq(ledgerDays.cursor, state.cursor));
    const last = page.at(-1);
    if (!last) {
      await ctx.db
        .update(ledgerDays)
        .set({ sealedAt: wholeSeconds(ctx.now()) })
        .where(moved);
      continue;
    }
    await copyToLedger(ledger, day, page);
    // The cursor moves and the page's figures are added in one batch, the figures only if this
    // sealer's compare-and-set landed (`changes()` of the update just before): a concurrent sealer
    // that copied the same page first has moved the cursor, and this one adds nothing. A reader
    // counts once a day: on the page holding their first read of it (the subject/day index's min rowid).
    await ctx.db.batch([
      ctx.db
        .update(ledgerDays)
        .set({ cursor: Number(last.id), moved: sql`${ledgerDays.moved} + ${page.length}` })
        .where(moved),
      ctx.db
        .insert(readDays)
        .select(
          sql`select r.publisher_id, r.day, count(*), sum(r.rowid = (select min(f.rowid) from ${reads} f
                where f.publisher_id = r.publisher_id and f.subject = r.subject and f.day = r.day))
              from ${reads} r where r.day = ${day} and r.rowid > ${state.cursor} and r.rowid <= ${Number(last.id)}
                and changes() = 1
              group by r.publisher_id`,
        )
        .onConflictDoUpdate({
          target: [readDays.publisherId, readDays.day],
          set: {
            reads: sql`${readDays.reads} + excluded.reads`,
            readers: sql`${readDays.readers} + excluded.readers`,
          },
        }),
    ]);
  }
}

/** Seals every day of an ended month; true once all are sealed. */
export async function sealMonth(
  ctx: AppContext,
  ledger: Ledger,
  month: string,
  budget: SealBudget,
): Promise<boolean> {
  const bounds = monthBounds(month);
  if (!bounds) throw new Error(`not a month: ${month}`);
  const days = daysOf({ from: bounds.first, to: addDays(bounds.next, -1) });
  const [done] = await ctx.db
    .select({ n: count() })
    .from(ledgerDays)
    .where(
      and(gte(ledgerDays.day, bounds.first), lt(ledgerDays.day, bounds.next), isNotNull(ledgerDays.sealedAt)),
    );
  if (done?.n === days.length) return true;
  for (const day of days) if (!(await sealDay(ctx, ledger, day, budget))) return false;
  return true;
}

/**
 * The ended days that still have rows in `reads` and are not sealed, oldest first: a seek per
 * distinct day on the day index, so as many queries as `reads` holds days (its hot days).
 */
export async function* unsealedEndedDays(ctx: AppContext): AsyncGenerator<string> {
  const firstDay = async (after: string | null) => {
    const [row] = await ctx.db.all<{ day: string | null }>(
      after === null
        ? sql`select min(day) as day from reads`
        : sql`select min(day) as day from reads where day > ${after}`,
    );
    return row?.day ?? null;
  };
  const last = lastClosedDay(ctx.now());
  let day = await firstDay(null);
  if (day === null) return;
  const sealed = new Set(
    (
      await ctx.db
        .select({ day: ledgerDays.day })
        .from(ledgerDays)
        .where(and(isNotNull(ledgerDays.sealedAt), gte(ledgerDays.day, day)))
    ).map((r) => r.day),
  );
  for (; day !== null && day <= last; day = await firstDay(day)) if (!sealed.has(day)) yield day;
}

/**
 * The scheduled part: seals the ended days not sealed yet, oldest first, as far as the budget
 * goes. Returns the days it sealed.
 */
export async function sealClosedDays(ctx: AppContext, ledger: Ledger, budget: SealBudget): Promise<number> {
  let days = 0;
  for await (const day of unsealedEndedDays(ctx)) {
    if (!(await sealDay(ctx, ledger, day, budget))) break;
    days++;
  }
  return days;
}
