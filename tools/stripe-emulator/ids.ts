/** @module Stripe-looking random ids (`cus_…`, `sub_…`) and request ids. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** Stripe ids are a type prefix, an underscore and 24 opaque characters. */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(24)}`;
}
