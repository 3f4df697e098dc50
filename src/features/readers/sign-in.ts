/** @module Sign-in with a password: the same answer and the same work whether or not the account exists. */
import { eq } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { toMembership } from '../../db/memberships';
import { memberships, readers, sessions } from '../../db/schema';
import { emailKey } from '../../domain/email';
import { wholeSeconds } from '../../domain/time';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from '../../lib/password';
import { consume, enforce, exhausted, rateLimited } from '../limits';
import { newSession } from './sessions';
import type { Credentials, SignedIn } from './sign-up';

const BAD_CREDENTIALS = () => new ApiError('unauthenticated', 'The email or password is incorrect.');

/**
 * Signs in with the same answer, and the same KDF work, whether or not the email exists: an
 * unknown email is checked against a decoy hash so that neither the message nor the timing tells.
 */
export async function signIn({ ctx, input }: UseCase<Credentials>): Promise<SignedIn> {
  await enforce(ctx, 'signinIp', ctx.clientAddress ?? 'unknown');
  const account = emailKey(input.email);
  // Checked before the password, so that a locked account costs no KDF work and reveals nothing.
  const failures = await exhausted(ctx, 'signinFailures', account);
  if (!failures.allowed) throw rateLimited(failures);
  const [row] = await ctx.db
    .select({ reader: readers, membership: memberships })
    .from(readers)
    .leftJoin(memberships, eq(memberships.readerId, readers.id))
    .where(eq(readers.emailKey, account))
    .limit(1);
  const stored = row?.reader.passwordHash ?? (await decoyHash());
  const ok = await verifyPassword(input.password, stored);
  if (!row || !ok || row.reader.deletedAt !== null || row.reader.passwordHash === null) {
    // Failures count per account whether or not it exists, so the limit does not reveal which do.
    await consume(ctx, 'signinFailures', account);
    throw BAD_CREDENTIALS();
  }
  const reader = row.reader;
  const session = await newSession(ctx, reader.id);
  const writes = [ctx.db.insert(sessions).values(session.row)] as const;
  if (needsRehash(stored)) {
    await ctx.db.batch([
      ...writes,
      ctx.db
        .update(readers)
        .set({ passwordHash: await hashPassword(input.password), updatedAt: wholeSeconds(ctx.now()) })
        .where(eq(readers.id, reader.id)),
    ]);
  } else {
    await ctx.db.batch(writes);
  }
  return {
    reader,
    membership: toMembership(row.membership),
    sessionToken: session.token,
    sessionExpiresAt: session.expiresAt,
  };
}
