/** @module Where the reads ledger stands, for operators: sealed days, the backlog, trimmed days, months and their archive. */
import { desc, isNotNull, max, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { ledgerDays, ledgerMonths, payouts } from '../../db/schema';
import { unsealedEndedDays } from './seal';

/** Backlog days listed at most (the count stops there too). */
const BACKLOG_LIMIT = 31;
/** Months listed, newest first. */
const MONTHS = 12;

export interface LedgerMonthStatus {
  month: string;
  daysSealed: number;
  reads: number;
  statementSigned: boolean;
  archivedAt: Date | null;
}

export interface LedgerStatus {
  enabled: boolean;
  shards: number | null;
  hotDays: number | null;
  sealedThrough: string | null;
  trimmedThrough: string | null;
  /** Ended days whose reads wait to be sealed, oldest first (at most BACKLOG_LIMIT). */
  backlog: string[];
  months: LedgerMonthStatus[];
}

export async function ledgerStatus(ctx: AppContext): Promise<LedgerStatus> {
  const { ledger } = ctx;
  if (!ledger) {
    return {
      enabled: false,
      shards: null,
      hotDays: null,
      sealedThrough: null,
      trimmedThrough: null,
      backlog: [],
      months: [],
    };
  }
  const backlog: string[] = [];
  for await (const day of unsealedEndedDays(ctx)) {
    backlog.push(day);
    if (backlog.length === BACKLOG_LIMIT) break;
  }
  const month = sql<string>`substr(${ledgerDays.day}, 1, 7)`;
  const [[edges], months, archived, signed] = await ctx.db.batch([
    ctx.db
      .select({
        sealed: max(sql`case when ${ledgerDays.sealedAt} is not null then ${ledgerDays.day} end`),
        trimmed: max(sql`case when ${ledgerDays.trimmedAt} is not null then ${ledgerDays.day} end`),
      })
      .from(ledgerDays),
    ctx.db
      .select({
        month,
        daysSealed: sql<number>`count(${ledgerDays.sealedAt})`,
        reads: sql<number>`coalesce(sum(${ledgerDays.moved}), 0)`,
      })
      .from(ledgerDays)
      .groupBy(month)
      .orderBy(desc(month))
      .limit(MONTHS),
    ctx.db.select().from(ledgerMonths).orderBy(desc(ledgerMonths.month)).limit(MONTHS),
    ctx.db
      .selectDistinct({ month: payouts.month })
      .from(payouts)
      .where(isNotNull(payouts.statement))
      .orderBy(desc(payouts.month))
      .limit(MONTHS),
  ]);
  const archivedAt = new Map(archived.map((m) => [m.month, m.archivedAt]));
  const signedMonths = new Set(signed.map((m) => m.month));
  return {
    enabled: true,
    shards: ledger.shards,
    hotDays: ledger.hotDays,
    sealedThrough: (edges?.sealed as string | null) ?? null,
    trimmedThrough: (edges?.trimmed as string | null) ?? null,
    backlog,
    months: months.map((m) => ({
      month: m.month,
      daysSealed: Number(m.daysSealed),
      reads: Number(m.reads),
      statementSigned: signedMonths.has(m.month),
      archivedAt: archivedAt.get(m.month) ?? null,
    })),
  };
}
