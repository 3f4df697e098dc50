/**
 * @module The payout split (the SDK's largest-remainder rule, re-exported) and the months payouts
 * are made for.
 */

/**
 * The split rule lives in the publisher SDK, so that a publisher checks its amount with the very
 * code the service split by (docs/STATEMENTS.md): one copy, re-exported here.
 */
export { type PayoutShare, type ReadsLine, SPLIT_RULE, splitPayout } from '@onepass/verify/statement';

/** The largest amount a statement may split: 10^12 minor units, far inside exact integer range. */
export const MAX_PAYOUT_AMOUNT = 1_000_000_000_000;

/** A payout month `YYYY-MM` (UTC). */
export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * The UTC days of a month as `[first, next)` (`YYYY-MM-DD`, comparable as text, the form reads are
 * stored in) and the instant the month ends. Null for a malformed month.
 */
export function monthBounds(month: string): { first: string; next: string; endsAt: Date } | null {
  const match = MONTH_PATTERN.exec(month);
  if (!match) return null;
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  // Date.UTC maps years below 100 into the 1900s; no statement predates the service anyway.
  if (year < 1970) return null;
  const endsAt = new Date(Date.UTC(year, index + 1, 1));
  return { first: `${month}-01`, next: endsAt.toISOString().slice(0, 10), endsAt };
}
