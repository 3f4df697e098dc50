/** @module Sign-in with a password: the same answer and the same work whether or not the account exists. */
import { eq } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { toMembership } from '../../db/memberships';
import { memberships, readers, sessions } from '../../db/schema';
import { emailKey } from '../../domain/email';
import { wholeSeconds } from '../../domain/time';
import { hashPassword, needsRehash } from '../../lib/password';
import { enforce } from '../limits';
import { checkPassword } from './password-check';
import { newSession } from './sessions';
import type { Credentials, SignedIn } from './sign-up';

const BAD_CREDENTIALS = () => new ApiError('unauthenticated', 'The email or password is incorrect.');

/**
 * Signs in with the same answer, the same budget spent and the same KDF work, whether or not the
 * email has an account: an unknown email is checked against a decoy hash, so that neither the
 * message, the limit nor the timing tells.
 */
export async function signIn({ ctx, input }: UseCase<Credentials>): Promise<SignedIn> {
  await enforce(ctx, 'signinIp', ctx.clientAddress ?? 'unknown');
  const account = emailKey(input.email);
  const [row] = await ctx.db
    .select({ reader: readers, membership: memberships })
    .from(readers)
    .leftJoin(memberships, eq(memberships.readerId, readers.id))
    .where(eq(readers.emailKey, account))
    .limit(1);
  const live = row && row.reader.deletedAt === null ? row : undefined;
  const stored = live?.reader.passwordHash ?? null;
  // An unknown account spends its budget and its hashing work alike (checkPassword's decoy).
  if (!(await checkPassword(ctx, account, input.password, stored)) || !live) throw BAD_CREDENTIALS();
  const reader = live.reader;
  const session = await newSession(ctx, reader.id);
  const writes = [ctx.db.insert(sessions).values(session.row)] as const;
  if (stored !== null && needsRehash(stored)) {
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
    membership: toMembership(live.membership),
    sessionToken: session.token,
    sessionExpiresAt: session.expiresAt,
  };
}
