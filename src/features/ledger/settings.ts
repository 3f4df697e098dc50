/** @module The ledger's settings from the environment, the same names on both doors (docs/LEDGER.md). */
import { DAY_MS, utcDay } from '../../domain/days';

export interface LedgerSettings {
  shards: number;
  hotDays: number;
  /** Pages of 1,000 reads one scheduled run may seal (about 4 D1 queries a page). */
  sealPages: number;
}

/** Keeps two months hot by default: the month being read and the last, until its statement. */
export const DEFAULT_HOT_DAYS = 62;

function wholeNumber(env: Record<string, unknown>, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number of at least ${min}`);
  return n;
}

export function ledgerSettings(env: Record<string, unknown>): LedgerSettings {
  return {
    shards: wholeNumber(env, 'LEDGER_SHARDS', 1, 1),
    hotDays: wholeNumber(env, 'READS_HOT_DAYS', DEFAULT_HOT_DAYS, 1),
    sealPages: wholeNumber(env, 'LEDGER_SEAL_PAGES', 100, 1),
  };
}

/** The first day `reads` still holds whole: sealed days before it are trimmed from it. */
export function firstHotDay(now: Date, hotDays: number): string {
  return utcDay(new Date(now.getTime() - hotDays * DAY_MS));
}
