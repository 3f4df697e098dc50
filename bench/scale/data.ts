/** @module The scale bench's deterministic data: ids, addresses, session tokens and publisher keys derived from an index. */
import { createHash } from 'node:crypto';

export const PUBLISHERS = 1_000;
/** Every seeded reader's password (one PBKDF2 hash, computed once, shared by every row). */
export const PASSWORD = 'scale bench password';
/** Reads fall on the last READ_DAYS UTC days before the bench's day. */
export const READ_DAYS = 90;
/** Distinct articles per publisher. */
export const ARTICLES = 2_000;

const b32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** An id as the service makes them (`rdr_` + 20 base32 characters), derived from a label. */
export function idOf(prefix: string, label: string): string {
  const digest = createHash('sha256').update(label).digest();
  let out = '';
  for (let i = 0; i < 20; i++) out += b32[(digest[i] ?? 0) & 31];
  return `${prefix}_${out}`;
}

export const readerId = (i: number) => idOf('rdr', `reader:${i}`);
export const publisherId = (p: number) => idOf('pub', `publisher:${p}`);
export const readerEmail = (i: number) => `reader${i}@scale.example`;
/** A session token shaped like the service's (43 base64url characters). */
export const sessionToken = (i: number) => createHash('sha256').update(`session:${i}`).digest('base64url');
/** Publisher `p`'s API key, in the service's `ppk_test_…` shape. */
export const publisherKey = (p: number) =>
  `ppk_test_${createHash('sha256').update(`publisher-key:${p}`).digest('base64url')}`;
export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');
/** The pairwise subject a token for (publisher, reader) carries: 43 base64url characters. */
export const subjectOf = (p: number, i: number) =>
  createHash('sha256').update(`subject:${p}:${i}`).digest('base64url');

/** A small deterministic PRNG (mulberry32): the same seed gives the same data on every run. */
export { mulberry32 as prng } from '../../test/node/seeded-random';

/** `YYYY-MM-DD` of the UTC day `daysAgo` days before `today`. */
export function dayBefore(today: Date, daysAgo: number): string {
  return new Date(today.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** The calendar month (UTC) before `today`'s, `YYYY-MM`: the one the bench makes a statement for. */
export function lastMonth(today: Date): string {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}
