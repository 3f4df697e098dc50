/** @module Prefixed random ids: `rdr_` + 20 base32 characters (100 random bits). */

import { randomBytes } from '../lib/crypto';
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
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${base32(randomBytes(13)).slice(0, 20)}`;
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[a-z2-7]{20}$`).test(value);
}
