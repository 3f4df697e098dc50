/**
 * @module Secret links in mail, derived at send time from a reference stored in the outbox, so that
 * no usable token ever sits in the database: the password reset link.
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
