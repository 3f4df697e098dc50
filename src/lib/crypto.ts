/** @module Hashing, HMAC and random secrets over WebCrypto, identical on Workers and Node. */
import { base64url, hex, utf8 } from './encoding';
import { nodeCrypto } from './node-crypto';

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** A random secret of `bytes` bytes, base64url encoded (32 bytes → 43 characters). */
export function randomToken(bytes = 32): string {
  return base64url(randomBytes(bytes));
}

export async function sha256Hex(value: string): Promise<string> {
  const node = nodeCrypto();
  if (node) return node.createHash('sha256').update(value).digest('hex');
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(value))));
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    // A handful of secrets exist per process; the cache never grows past them.
    hmacKeys.set(secret, key);
  }
  return key;
}

/** HMAC-SHA256 of `message` under `secret`, base64url encoded. */
export async function hmacSha256(secret: string, message: string): Promise<string> {
  const node = nodeCrypto();
  if (node) return node.createHmac('sha256', secret).update(message).digest('base64url');
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(secret), utf8.encode(message));
  return base64url(new Uint8Array(sig));
}

/** Compares two strings in time that depends only on their length. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
