/**
 * @module Password hashing with PBKDF2-SHA256 over WebCrypto, self-describing so parameters can rise later.
 *
 * PBKDF2 is the only slow KDF that WebCrypto offers on every runtime we serve from. Cloudflare's
 * production Workers refuse more than 100,000 iterations (local workerd accepts more), so 100,000 is
 * the ceiling today. Each stored hash carries its algorithm, iteration count and salt
 * (`pbkdf2-sha256$100000$<salt>$<hash>`), so raising the count later only means re-hashing at the
 * next successful sign-in (`needsRehash`).
 */

import { randomBytes, timingSafeEqual } from './crypto';
import { base64url, utf8 } from './encoding';

export const PASSWORD_ITERATIONS = 100_000;
const ALGORITHM = 'pbkdf2-sha256';
const KEY_BITS = 256;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<string> {
  const material = await crypto.subtle.importKey('raw', utf8.encode(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    KEY_BITS,
  );
  return base64url(new Uint8Array(bits));
}

export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<string> {
  const salt = randomBytes(16);
  return `${ALGORITHM}$${iterations}$${base64url(salt)}$${await derive(password, salt, iterations)}`;
}

function decodeBase64url(value: string): Uint8Array {
  const b64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [algorithm, iterationsText, salt, expected] = stored.split('$');
  const iterations = Number(iterationsText);
  if (algorithm !== ALGORITHM || !Number.isInteger(iterations) || iterations < 1 || !salt || !expected) {
    return false;
  }
  return timingSafeEqual(await derive(password, decodeBase64url(salt), iterations), expected);
}

export function needsRehash(stored: string): boolean {
  const [algorithm, iterations] = stored.split('$');
  return algorithm !== ALGORITHM || Number(iterations) < PASSWORD_ITERATIONS;
}

/**
 * A hash of a password nobody knows, computed once, so that signing in with an unknown email costs
 * the same KDF work as a wrong password and timing reveals nothing about which emails exist.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(base64url(randomBytes(18)));
  return decoy;
}
