/** @module Which days of a range have left `reads` (READS_HOT_DAYS, with the reads ledger): their reads are reported from `read_days`. */
import { and, gte, isNotNull, lte, max } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { ledgerDays } from '../../db/schema';
import type { DayRange } from '../../domain/days';

/** The last day of the range whose rows began leaving `reads`, or null when `reads` holds the range whole. */
export async function lastTrimmedDay(ctx: AppContext, range: DayRange): Promise<string | null> {
  if (!ctx.ledger) return null;
  const [row] = await ctx.db
    .select({ day: max(ledgerDays.day) })
    .from(ledgerDays)
    .where(
      and(isNotNull(ledgerDays.trimmedAt), gte(ledgerDays.day, range.from), lte(ledgerDays.day, range.to)),
    );
  return row?.day ?? null;
}
