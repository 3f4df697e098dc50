/** @module Prefixed random ids: `rdr_` + 20 base32 characters (100 random bits). */

export const ID_PREFIXES = {
  reader: 'rdr',
  session: 'ses',
  publisher: 'pub',
  adminKey: 'adk',
  request: 'req',
  token: 'jti',
  mail: 'msg',
  audit: 'aud',
  payout: 'pay',
  publisherKey: 'pkk',
  webhookEndpoint: 'whe',
  webhookMessage: 'whm',
  webhookDelivery: 'whd',
  webhookAttempt: 'wha',
  gift: 'gft',
  seat: 'sea',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ID_BYTES = 13;
const POOL_IDS = 256;
let pool = new Uint8Array(0);
let offset = 0;

const B32_CODES = Uint8Array.from('abcdefghijklmnopqrstuvwxyz234567', (c) => c.charCodeAt(0));

/**
 * The 20 base32 characters of the first 100 bits of `bytes[at..at+13)`, as `base32` and a cut to
 * 20 would write them (the property test holds them to it): words of 32, 8, 32, 8 and 24 bits read
 * straight from the pool, one string made at once, with no view, no loop and no concatenation.
 */
export function idChars(bytes: Uint8Array, at: number): string {
  const a =
    (((bytes[at] ?? 0) << 24) |
      ((bytes[at + 1] ?? 0) << 16) |
      ((bytes[at + 2] ?? 0) << 8) |
      (bytes[at + 3] ?? 0)) >>>
    0;
  const a8 = bytes[at + 4] ?? 0;
  const b =
    (((bytes[at + 5] ?? 0) << 24) |
      ((bytes[at + 6] ?? 0) << 16) |
      ((bytes[at + 7] ?? 0) << 8) |
      (bytes[at + 8] ?? 0)) >>>
    0;
  const b8 = bytes[at + 9] ?? 0;
  const c = ((bytes[at + 10] ?? 0) << 16) | ((bytes[at + 11] ?? 0) << 8) | (bytes[at + 12] ?? 0);
  const C = B32_CODES;
  return String.fromCharCode(
    C[a >>> 27] ?? 0,
    C[(a >>> 22) & 31] ?? 0,
    C[(a >>> 17) & 31] ?? 0,
    C[(a >>> 12) & 31] ?? 0,
    C[(a >>> 7) & 31] ?? 0,
    C[(a >>> 2) & 31] ?? 0,
    C[((a & 3) << 3) | (a8 >>> 5)] ?? 0,
    C[a8 & 31] ?? 0,
    C[b >>> 27] ?? 0,
    C[(b >>> 22) & 31] ?? 0,
    C[(b >>> 17) & 31] ?? 0,
    C[(b >>> 12) & 31] ?? 0,
    C[(b >>> 7) & 31] ?? 0,
    C[(b >>> 2) & 31] ?? 0,
    C[((b & 3) << 3) | (b8 >>> 5)] ?? 0,
    C[b8 & 31] ?? 0,
    C[c >>> 19] ?? 0,
    C[(c >>> 14) & 31] ?? 0,
    C[(c >>> 9) & 31] ?? 0,
    C[(c >>> 4) & 31] ?? 0,
  );
}

/**
 * An id of 13 random bytes drawn from a pool refilled 256 ids at a time: one call into the CSPRNG
 * instead of one per id (ids are made on every request: the request id, a token's `jti`). Every
 * byte is used once. Secrets (session tokens, keys) do not come from here.
 */
export function newId(kind: IdKind): string {
  if (offset + ID_BYTES > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(ID_BYTES * POOL_IDS));
    offset = 0;
  }
  const at = offset;
  offset += ID_BYTES;
  return `${ID_PREFIXES[kind]}_${idChars(pool, at)}`;
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[a-z2-7]{20}$`).test(value);
}
