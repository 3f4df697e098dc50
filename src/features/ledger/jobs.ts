/**
 * @module The ledger's scheduled work: seal ended days, archive months whose statement is signed,
 * and trim `reads` to its hot days, each within a bounded budget of queries per run.
 */
import { and, isNotNull, lt, notInArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { ledgerDays, ledgerMonths, payouts, reads } from '../../db/schema';
import { DAY_MS, utcDay } from '../../domain/days';
import { archiveMonth } from './archive';
import type { Ledger } from './ledger';
import { sealClosedDays } from './seal';

/** Pages (of SEAL_PAGE reads) one scheduled run may seal. */
const RUN_PAGES = 100;
const TRIM_PAGE = 5_000;
const TRIM_STATEMENTS = 40;

/**
 * Deletes the hot rows of sealed days older than the hot window, oldest first, a bounded number of
 * statements per run; returns how many days were emptied.
 */
export async function trimHotReads(ctx: AppContext, ledger: Ledger): Promise<number> {
  const cutoff = utcDay(new Date(ctx.now().getTime() - ledger.hotDays * DAY_MS));
  const days = await ctx.db
    .select({ day: ledgerDays.day })
    .from(ledgerDays)
    .where(
      and(
        isNotNull(ledgerDays.sealedAt),
        lt(ledgerDays.day, cutoff),
        sql`exists (select 1 from ${reads} where ${reads.day} = ${ledgerDays.day})`,
      ),
    )
    .orderBy(ledgerDays.day)
    .limit(31);
  let statements = 0;
  let emptied = 0;
  for (const { day } of days) {
    for (;;) {
      if (statements++ >= TRIM_STATEMENTS) return emptied;
      await ctx.db.run(
        sql`delete from ${reads} where rowid in (select rowid from ${reads} where ${reads.day} = ${day} limit ${TRIM_PAGE})`,
      );
      const [left] = await ctx.db.all<{ found: number }>(
        sql`select exists (select 1 from ${reads} where ${reads.day} = ${day}) as found`,
      );
      if (!Number(left?.found)) break;
    }
    emptied++;
  }
  return emptied;
}

export async function runLedgerJobs(ctx: AppContext) {
  const { ledger } = ctx;
  if (!ledger) return null;
  const budget = { pages: RUN_PAGES };
  const sealed = await sealClosedDays(ctx, ledger, budget);
  const pending = await ctx.db
    .selectDistinct({ month: payouts.month })
    .from(payouts)
    .where(
      and(
        isNotNull(payouts.statement),
        notInArray(payouts.month, ctx.db.select({ m: ledgerMonths.month }).from(ledgerMonths)),
      ),
    )
    .orderBy(payouts.month)
    .limit(3);
  const archived: string[] = [];
  for (const { month } of pending) {
    if (await archiveMonth(ctx, ledger, month, budget)) archived.push(month);
  }
  const trimmed = await trimHotReads(ctx, ledger);
  return { sealed, archived, trimmed };
}
