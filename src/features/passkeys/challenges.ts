/**
 * @module WebAuthn challenges: 32 random bytes handed out with the options, stored as the SHA-256
 * of their base64url form for 5 minutes, and spent by one conditional DELETE … RETURNING, so that
 * of two verifications of one challenge exactly one can pass (on D1 and libSQL alike).
 */
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { webauthnChallenges } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import { randomBytes, sha256Hex } from '../../lib/crypto';
import { base64url } from '../../lib/encoding';

export const CHALLENGE_TTL_SECONDS = 5 * 60;

export type ChallengePurpose = 'register' | 'sign_in';

/**
 * A new challenge for `purpose`. Expired ones are dropped on the way; a reader adding a passkey
 * keeps only the newest register challenge, so no caller can pile rows up.
 */
export async function issueChallenge(
  ctx: AppContext,
  purpose: ChallengePurpose,
  readerId: string | null,
): Promise<Uint8Array> {
  const challenge = randomBytes(32);
  const now = wholeSeconds(ctx.now());
  const t = webauthnChallenges;
  await ctx.db.batch([
    ctx.db.delete(t).where(lt(t.expiresAt, now)),
    ...(readerId ? [ctx.db.delete(t).where(and(eq(t.readerId, readerId), eq(t.purpose, purpose)))] : []),
    ctx.db.insert(t).values({
      challengeHash: await sha256Hex(base64url(challenge)),
      purpose,
      readerId,
      expiresAt: new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000),
    }),
  ]);
  return challenge;
}

/**
 * Spends the challenge a response carries (its base64url form, as in the client data): true
 * once, for the purpose and reader it was issued to, while it has not expired; false otherwise.
 */
export async function spendChallenge(
  ctx: AppContext,
  challenge: string,
  purpose: ChallengePurpose,
  readerId: string | null,
): Promise<boolean> {
  const t = webauthnChallenges;
  const spent = await ctx.db
    .delete(t)
    .where(
      and(
        eq(t.challengeHash, await sha256Hex(challenge)),
        eq(t.purpose, purpose),
        readerId ? eq(t.readerId, readerId) : isNull(t.readerId),
        gt(t.expiresAt, wholeSeconds(ctx.now())),
      ),
    )
    .returning({ hash: t.challengeHash });
  return spent.length === 1;
}
