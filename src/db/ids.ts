/** @module Prefixed random ids: `rdr_` + 20 base32 characters (100 random bits). */

import { base32 } from '../lib/encoding';

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

/**
 * 13 random bytes per id, drawn from a pool refilled 256 ids at a time: one call into the CSPRNG
 * instead of one per id (ids are made on every request: the request id, a token's `jti`). Every
 * byte is used once. Secrets (session tokens, keys) do not come from here.
 */
function idBytes(): Uint8Array {
  if (offset + ID_BYTES > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(ID_BYTES * POOL_IDS));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return bytes;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${base32(idBytes()).slice(0, 20)}`;
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[a-z2-7]{20}$`).test(value);
}
