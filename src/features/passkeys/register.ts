/**
 * @module Adding a passkey (signed-in readers): the creation options (discoverable, so that
 * sign-in needs no email; the reader's other passkeys excluded) and the verified registration,
 * against this reader's unspent register challenge.
 */
import { desc, eq } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError, invalidRequest } from '../../app/errors';
import { passkeys } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import { base64url } from '../../lib/encoding';
import {
  challengeOf,
  generateRegistrationOptions,
  type RegistrationResponse,
  verifyRegistrationResponse,
} from '../../lib/webauthn';
import type { Authenticated } from '../readers';
import { issueChallenge, spendChallenge } from './challenges';
import { knownTransports, RP_NAME, relyingParty, userHandleOf } from './credentials';

export type PasskeyRow = typeof passkeys.$inferSelect;

export const PASSKEY_NAME_MAX = 64;

export async function registrationOptions({ ctx, principal: who }: UseCase<undefined, Authenticated>) {
  const existing = await ctx.db
    .select({ id: passkeys.id, transports: passkeys.transports })
    .from(passkeys)
    .where(eq(passkeys.readerId, who.reader.id))
    .orderBy(desc(passkeys.createdAt))
    .limit(100);
  const name = who.reader.email ?? who.reader.id;
  return generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: relyingParty(ctx).rpID,
    userID: await userHandleOf(ctx, who.reader.id),
    userName: name,
    userDisplayName: name,
    challenge: await issueChallenge(ctx, 'register', who.reader.id),
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
}

const refused = (why: string) => invalidRequest([{ path: 'response', message: why }], why);

/**
 * Verifies the browser's registration answer and stores the passkey. The challenge is spent
 * first, whatever follows: a response can be tried once. A credential id already stored (this
 * reader's or anyone's) is 409.
 */
export async function registerPasskey({
  ctx,
  principal: who,
  input,
}: UseCase<
  { response: RegistrationResponse; name?: string | undefined },
  Authenticated
>): Promise<PasskeyRow> {
  const challenge = challengeOf(input.response.response?.clientDataJSON);
  if (!challenge || !(await spendChallenge(ctx, challenge, 'register', who.reader.id))) {
    throw refused('This passkey request has expired or was already used: start again.');
  }
  const { rpID, origin } = relyingParty(ctx);
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
  } catch (err) {
    ctx.logger.info('passkey registration refused', {
      reason: err instanceof Error ? err.message : String(err),
    });
    throw refused('The passkey could not be verified.');
  }
  const now = wholeSeconds(ctx.now());
  const [row] = await ctx.db
    .insert(passkeys)
    .values({
      id: verified.credential.id,
      readerId: who.reader.id,
      publicKey: base64url(verified.credential.publicKey),
      counter: verified.credential.counter,
      transports: knownTransports(verified.credential.transports),
      deviceType: verified.credentialDeviceType,
      backedUp: verified.credentialBackedUp,
      name: input.name?.trim().slice(0, PASSKEY_NAME_MAX) || 'Passkey',
      createdAt: now,
      lastUsedAt: null,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new ApiError('conflict', 'This passkey is already registered.');
  return row;
}
