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
// The character codes of the id being written: filled and read within one synchronous call.
const codes: number[] = Array.from({ length: 20 }, () => 0);

/**
 * The 20 base32 characters of the first 100 bits of `bytes[at..at+13)`, as `base32` and a cut to
 * 20 would write them (the property test holds them to it): read straight from the pool in two
 * groups of 40 bits (8 characters each) and one of 24 (the last 4), then made one string at once,
 * with no view and no concatenation. The table lookups are written out: a small helper closure for
 * them measured five times slower per id under tsx.
 */
export function idChars(bytes: Uint8Array, at: number): string {
  for (let group = 0; group < 2; group++) {
    const o = at + group * 5;
    // 40 bits as 32 + 8: bitwise operators work on 32 bits.
    const high =
      (((bytes[o] ?? 0) << 24) |
        ((bytes[o + 1] ?? 0) << 16) |
        ((bytes[o + 2] ?? 0) << 8) |
        (bytes[o + 3] ?? 0)) >>>
      0;
    const low = bytes[o + 4] ?? 0;
    for (let k = 0; k < 6; k++) codes[group * 8 + k] = B32_CODES[(high >>> (27 - 5 * k)) & 31] ?? 0;
    codes[group * 8 + 6] = B32_CODES[(((high & 3) << 3) | (low >>> 5)) & 31] ?? 0;
    codes[group * 8 + 7] = B32_CODES[low & 31] ?? 0;
  }
  const last = ((bytes[at + 10] ?? 0) << 16) | ((bytes[at + 11] ?? 0) << 8) | (bytes[at + 12] ?? 0);
  for (let k = 0; k < 4; k++) codes[16 + k] = B32_CODES[(last >>> (19 - 5 * k)) & 31] ?? 0;
  return String.fromCharCode.apply(null, codes);
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
