/**
 * @module The ledger's scheduled work: archive months whose statement is signed, seal ended days,
 * and trim `reads` to its hot days, each within a bounded budget of queries per run.
 */
import { and, eq, isNotNull, lt, notInArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { ledgerDays, ledgerMonths, payouts, reads } from '../../db/schema';
import { archiveMonth } from './archive';
import { type Ledger, LedgerSlotBusy } from './ledger';
import { sealClosedDays } from './seal';
import { firstHotDay } from './settings';

const TRIM_PAGE = 5_000;
const TRIM_STATEMENTS = 40;

/**
 * Deletes the hot rows of sealed days older than the hot window, oldest first, a bounded number of
 * statements per run; returns how many days were emptied.
 */
export async function trimHotReads(ctx: AppContext, ledger: Ledger): Promise<number> {
  const cutoff = firstHotDay(ctx.now(), ledger.hotDays);
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
    // Marked first: from now on the day's reports come from `read_days`, never from half its rows.
    await ctx.db.update(ledgerDays).set({ trimmedAt: ctx.now() }).where(eq(ledgerDays.day, day));
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

/**
 * One scheduled run: archive months whose statement is signed (freeing their ring slots), seal the
 * ended days, then trim `reads`. A day whose slot still holds an unarchived month waits, logged.
 */
export async function runLedgerJobs(ctx: AppContext) {
  const { ledger } = ctx;
  if (!ledger) return null;
  const budget = { pages: ledger.sealPages };
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
    // One month that cannot be archived (its ledger does not match its statement) holds up no other work.
    const done = await archiveMonth(ctx, ledger, month, budget).catch((err: unknown) => {
      ctx.logger.error('archiving a ledger month failed', {
        month,
        error: err instanceof Error ? err.message : String(err),
      });
      return null;
    });
    if (done) archived.push(month);
  }
  const sealed = await sealClosedDays(ctx, ledger, budget).catch((err: unknown) => {
    if (!(err instanceof LedgerSlotBusy)) throw err;
    ctx.logger.warn('reads wait for a ledger slot', { slot: err.slot, holds: err.holds, month: err.wanted });
    return 0;
  });
  const trimmed = await trimHotReads(ctx, ledger);
  return { sealed, archived, trimmed };
}
