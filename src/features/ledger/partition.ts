/**
 * @module Where a read lives in the period ledger (docs/LEDGER.md), as pure rules: the month of
 * its day, the shard of its publisher, the ring slot (D1 binding) of a month's shard, and the
 * database URL of a month's shard from a template.
 */
import { DAY_MS, utcDay } from '../../domain/days';

/** `YYYY-MM` of a `YYYY-MM-DD` day. */
export function monthOfDay(day: string): string {
  return day.slice(0, 7);
}

/**
 * The shard of a publisher's reads, 0 … shards-1: FNV-1a (32-bit) of the id, so every read of a
 * publisher is in one shard and the shard never changes. A publisher's subtree is built from one
 * database.
 */
export function shardOf(publisherId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < publisherId.length; i++) {
    hash ^= publisherId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** Months since year 0: consecutive months get consecutive numbers. */
export function monthNumber(month: string): number {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) throw new Error(`not a month: ${month}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

/**
 * The ring slot (the index of the `LEDGER_<n>` D1 binding) of a month's shard: `bindings` are
 * grouped into `floor(bindings / shards)` months of `shards` each, used in turn. A slot is written
 * again only that many months later, after its month was archived and released.
 */
export function ringSlot(month: string, shard: number, shards: number, bindings: number): number {
  const months = Math.floor(bindings / shards);
  if (months < 2) {
    throw new Error(`${bindings} ledger bindings cannot hold two months of ${shards} shards`);
  }
  return (monthNumber(month) % months) * shards + shard;
}

/** A month shard's database URL: `{month}` and `{shard}` in the template replaced. */
export function ledgerUrl(template: string, month: string, shard: number): string {
  return template.replaceAll('{month}', month).replaceAll('{shard}', String(shard));
}

/** A template must name the month, and the shard when there is more than one. */
export function templateProblem(template: string, shards: number): string | null {
  if (!template.includes('{month}')) return 'must contain {month}';
  if (shards > 1 && !template.includes('{shard}')) return 'must contain {shard} when LEDGER_SHARDS > 1';
  return null;
}

/** Whole days since 1970-01-01 of a `YYYY-MM-DD` day: the ledger stores days as these integers. */
export function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}

const dayTexts = new Map<number, string>();

/** The `YYYY-MM-DD` of a day number; a walk converts the same few days over and over, so they are kept. */
export function dayOfNumber(n: number): string {
  let text = dayTexts.get(n);
  if (text === undefined) {
    text = utcDay(new Date(n * DAY_MS));
    if (dayTexts.size < 4096) dayTexts.set(n, text);
  }
  return text;
}
