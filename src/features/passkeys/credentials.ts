/**
 * @module What the service tells authenticators about itself and a reader: the RP id and origin
 * (PUBLIC_URL's hostname and origin, the only ones a response may name), and the reader's WebAuthn
 * user handle: HMAC(PAIRWISE_SECRET, reader id), opaque, stable, never the email.
 */
import type { AppContext } from '../../app/context';
import { hmacSha256 } from '../../lib/crypto';
import { fromBase64url } from '../../lib/webauthn';

export const RP_NAME = 'OnePass';

export function relyingParty(ctx: AppContext): { rpID: string; origin: string } {
  const url = new URL(ctx.config.publicUrl);
  return { rpID: url.hostname, origin: url.origin };
}

/** The reader's user handle (32 bytes): the same for each of their passkeys, so a sign-in can be checked against it. */
export async function userHandleOf(ctx: AppContext, readerId: string): Promise<Uint8Array> {
  return fromBase64url(
    await hmacSha256(ctx.config.pairwiseSecret, `webauthn-user:${readerId}`),
    'user handle',
  );
}

/** The transports the browser reported, kept only when they are WebAuthn's names. */
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
export function knownTransports(list: readonly string[] | undefined): string[] {
  return [...new Set((list ?? []).filter((t) => TRANSPORTS.has(t)))];
}
