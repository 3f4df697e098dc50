/**
 * @module Signing in with a passkey: discoverable (no email asked, no allowCredentials), against an
 * unspent sign-in challenge; the session is made as every other sign-in makes it. Each attempt
 * spends the per-IP sign-in budget (LIMIT_SIGNIN_IP) with its options, and a failed one spends
 * another unit, so guessing is bounded as for passwords. One 401 answer for every failure.
 */
import { eq } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { toMembership } from '../../db/memberships';
import { memberships, passkeys, readers, sessions } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import { base64url } from '../../lib/encoding';
import {
  type AuthenticationResponse,
  challengeOf,
  fromBase64url,
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
} from '../../lib/webauthn';
import { enforce, giveBack, rateLimited, take } from '../limits';
import { newSession, type SignedIn } from '../readers';
import { issueChallenge, spendChallenge } from './challenges';
import { relyingParty, userHandleOf } from './credentials';

export async function signInOptions({ ctx }: UseCase) {
  await enforce(ctx, 'signinIp', ctx.clientAddress ?? 'unknown');
  return generateAuthenticationOptions({
    rpID: relyingParty(ctx).rpID,
    challenge: await issueChallenge(ctx, 'sign_in', null),
    userVerification: 'preferred',
  });
}

const REFUSED = () =>
  new ApiError('unauthenticated', 'The passkey could not be verified. Try again, or sign in another way.');

class Refusal extends Error {}

/** The reader behind a verified assertion, or a Refusal saying why not (logged, never told). */
async function verifiedReader(ctx: UseCase['ctx'], response: AuthenticationResponse) {
  const challenge = challengeOf(response.response?.clientDataJSON);
  if (!challenge || !(await spendChallenge(ctx, challenge, 'sign_in', null))) {
    throw new Refusal('unknown, spent or expired challenge');
  }
  const [row] = await ctx.db
    .select({ passkey: passkeys, reader: readers, membership: memberships })
    .from(passkeys)
    .innerJoin(readers, eq(readers.id, passkeys.readerId))
    .leftJoin(memberships, eq(memberships.readerId, passkeys.readerId))
    .where(eq(passkeys.id, String(response.id)))
    .limit(1);
  if (!row || row.reader.deletedAt !== null) throw new Refusal('unknown credential');
  // §7.2 step 6: the user handle, when the authenticator gives one, must be the owner's.
  const handle = response.response.userHandle;
  if (handle && handle !== base64url(await userHandleOf(ctx, row.reader.id))) {
    throw new Refusal('user handle of another reader');
  }
  const { rpID, origin } = relyingParty(ctx);
  const verified = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential: {
      id: row.passkey.id,
      publicKey: fromBase64url(row.passkey.publicKey, 'stored public key'),
      counter: row.passkey.counter,
    },
    requireUserVerification: false,
  }).catch((err: unknown) => {
    throw new Refusal(err instanceof Error ? err.message : String(err));
  });
  return { ...row, verified };
}

/**
 * Verifies the assertion and signs in: the new session and the passkey's counter, backup state
 * and last use are written in one batch. The email stays as verified (or not) as it was.
 */
export async function signInWithPasskey({
  ctx,
  input,
}: UseCase<{ response: AuthenticationResponse }>): Promise<SignedIn> {
  const budget = await take(ctx, 'signinIp', ctx.clientAddress ?? 'unknown');
  if (!budget.allowed) throw rateLimited(budget);
  let found: Awaited<ReturnType<typeof verifiedReader>>;
  try {
    found = await verifiedReader(ctx, input.response);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    ctx.logger.info('passkey sign-in refused', { reason: err.message });
    throw REFUSED();
  }
  const { reader, membership, passkey, verified } = found;
  const session = await newSession(ctx, reader.id);
  await ctx.db.batch([
    ctx.db.insert(sessions).values(session.row),
    ctx.db
      .update(passkeys)
      .set({
        counter: verified.newCounter,
        backedUp: verified.credentialBackedUp,
        lastUsedAt: wholeSeconds(ctx.now()),
      })
      .where(eq(passkeys.id, passkey.id)),
  ]);
  await giveBack(ctx, budget.ticket);
  return {
    reader,
    membership: toMembership(membership),
    sessionToken: session.token,
    sessionExpiresAt: session.expiresAt,
  };
}
