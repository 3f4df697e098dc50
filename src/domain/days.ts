/**
 * @module UTC calendar days (`YYYY-MM-DD`), the unit of reads and reports, and day ranges with
 * both ends included.
 */

export const DAY_MS = 86_400_000;

/** The UTC day a moment falls on. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** True for a real calendar day written `YYYY-MM-DD` (not `2026-02-30`). */
export function isUtcDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && utcDay(date) === value;
}

/** The UTC day `n` days after `day` (before it, for a negative `n`). */
export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}

/** Two UTC days, both included. */
export interface DayRange {
  from: string;
  to: string;
}

/** Every day of a range, in order. */
export function daysOf(range: DayRange): string[] {
  const out: string[] = [];
  const end = Date.parse(`${range.to}T00:00:00Z`);
  for (let t = Date.parse(`${range.from}T00:00:00Z`); t <= end; t += DAY_MS) out.push(utcDay(new Date(t)));
  return out;
}

/** The instants a range covers: from the start of `from` to the end of `to` (exclusive). */
export function rangeInstants(range: DayRange): { start: Date; end: Date } {
  return {
    start: new Date(`${range.from}T00:00:00Z`),
    end: new Date(Date.parse(`${range.to}T00:00:00Z`) + DAY_MS),
  };
}

export type RangeRefusal = { field: 'from' | 'to'; message: string };

/**
 * The range a report is asked for, with defaults: `to` today (or `from`, when that lies ahead),
 * `from` `defaultDays - 1` days before `to`. Refused when `from` is after `to` or the range spans
 * more than `maxDays`.
 */
export function resolveDayRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
  limits: { maxDays: number; defaultDays: number },
): DayRange | RangeRefusal {
  const today = utcDay(now);
  const to = query.to ?? (query.from !== undefined && query.from > today ? query.from : today);
  const from =
    query.from ?? utcDay(new Date(Date.parse(`${to}T00:00:00Z`) - (limits.defaultDays - 1) * DAY_MS));
  if (from > to) return { field: 'from', message: 'Must not be after `to`' };
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (span > limits.maxDays)
    return { field: 'from', message: `The range may span at most ${limits.maxDays} days` };
  return { from, to };
}
