/**
 * @module Secret links in mail, derived at send time from a reference stored in the outbox, so that
 * no usable token ever sits in the database: the password reset link, the sign-in link and its code,
 * the change-of-address link and its code.
 */
import type { Config } from '../../app/config';
import { hmacSha256 } from '../../lib/crypto';

/** The token mailed for `ref`; the mail renderer derives it at send time. */
export function resetToken(config: Config, ref: string): Promise<string> {
  return hmacSha256(config.pairwiseSecret, `password-reset:v1:${ref}`);
}

export async function resetLink(config: Config, ref: string): Promise<string> {
  const url = new URL('/reset-password', config.publicUrl);
  url.searchParams.set('token', await resetToken(config, ref));
  return url.href;
}

/** The token of a mailed sign-in link for `ref`. */
export function signInToken(config: Config, ref: string): Promise<string> {
  return hmacSha256(config.pairwiseSecret, `email-sign-in:v1:${ref}`);
}

/** Six decimal digits from a MAC (uniform enough: 2^32 mod 10^6 biases them by < 0.03 %). */
function sixDigits(mac: string): string {
  const bytes = Uint8Array.from(atob(mac.replace(/-/g, '+').replace(/_/g, '/').slice(0, 8)), (ch) =>
    ch.charCodeAt(0),
  );
  const n = ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  return String((n >>> 0) % 1_000_000).padStart(6, '0');
}

/** The 6-digit code mailed beside the sign-in link. */
export async function signInCode(config: Config, ref: string): Promise<string> {
  return sixDigits(await hmacSha256(config.pairwiseSecret, `email-sign-in-code:v1:${ref}`));
}

/** The token of the link that confirms a change of address, mailed to the new address. */
export function emailChangeToken(config: Config, ref: string): Promise<string> {
  return hmacSha256(config.pairwiseSecret, `email-change:v1:${ref}`);
}

/** The 6-digit code mailed beside the change-of-address link. */
export async function emailChangeCode(config: Config, ref: string): Promise<string> {
  return sixDigits(await hmacSha256(config.pairwiseSecret, `email-change-code:v1:${ref}`));
}

/** What is stored of a change-of-address code: keyed by the secret and the reader. */
export function emailChangeCodeHash(config: Config, readerId: string, code: string): Promise<string> {
  return hmacSha256(config.pairwiseSecret, `email-change-code-hash:v1:${readerId}\n${code}`);
}

export async function emailChangeLink(config: Config, ref: string): Promise<string> {
  const url = new URL('/account/email/confirm', config.publicUrl);
  url.searchParams.set('token', await emailChangeToken(config, ref));
  return url.href;
}

/** What is stored of a code: keyed by the secret and the account, so the table alone reveals none. */
export function signInCodeHash(config: Config, emailKey: string, code: string): Promise<string> {
  return hmacSha256(config.pairwiseSecret, `email-sign-in-code-hash:v1:${emailKey}\n${code}`);
}

export async function signInLink(config: Config, ref: string): Promise<string> {
  const url = new URL('/sign-in/email/confirm', config.publicUrl);
  url.searchParams.set('token', await signInToken(config, ref));
  return url.href;
}
