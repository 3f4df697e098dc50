/** @module Sign-up: the account, its free trial (one per person) and its first session, in one batch. */
import { eq, or } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError, invalidRequest } from '../../app/errors';
import { isUniqueViolation } from '../../db/errors';
import { newId } from '../../db/ids';
import { membershipColumns } from '../../db/memberships';
import { memberships, outbox, type ReaderRow, readers, sessions, trialClaims } from '../../db/schema';
import { EMAIL_MESSAGE, type Mailbox, normalizeEmail, trialIdentity } from '../../domain/email';
import type { Membership } from '../../domain/membership';
import { rfc3339OrNull, wholeSeconds } from '../../domain/time';
import { initialMembership } from '../../domain/trial';
import { hmacSha256 } from '../../lib/crypto';
import { hashPassword } from '../../lib/password';
import { enforce } from '../limits';
import { mailRow } from '../mail';
import { newSession } from './sessions';

export interface Credentials {
  email: string;
  password: string;
}

export interface SignedIn {
  reader: ReaderRow;
  membership: Membership | null;
  sessionToken: string;
  sessionExpiresAt: Date;
}

/** The keyed hash kept for the one-trial-per-person rule; no email is recoverable from it. */
export function trialIdentityHash(pairwiseSecret: string, email: string): Promise<string> {
  return hmacSha256(pairwiseSecret, `trial:${trialIdentity(email)}`);
}

const EMAIL_TAKEN = () =>
  new ApiError(
    'email_taken',
    'An account with this email already exists. Sign in instead, or reset the password.',
  );

export async function signUp({ ctx, input }: UseCase<Credentials>): Promise<SignedIn> {
  await enforce(ctx, 'signups', ctx.clientAddress ?? 'unknown');
  const mailbox = normalizeEmail(input.email);
  if (!mailbox) throw invalidRequest([{ path: 'email', message: EMAIL_MESSAGE }]);
  return openAccount(ctx, mailbox, { passwordHash: await hashPassword(input.password), verified: false });
}

/**
 * Opens the account of `mailbox` with its membership (the free trial, unless the person's trial
 * was already used) and its first session, in one batch; `email_taken` when the address, or
 * another spelling of the same person's address, already has one.
 */
export async function openAccount(
  ctx: AppContext,
  mailbox: Mailbox,
  how: { passwordHash: string | null; verified: boolean },
): Promise<SignedIn> {
  const { address: email, key, identity } = mailbox;
  const existing = await ctx.db
    .select({ id: readers.id })
    .from(readers)
    .where(or(eq(readers.emailKey, key), eq(readers.trialIdentity, identity)))
    .limit(1);
  if (existing.length > 0) throw EMAIL_TAKEN();

  const identityHash = await trialIdentityHash(ctx.config.pairwiseSecret, email);
  const [claim] = await ctx.db
    .select({ at: trialClaims.claimedAt })
    .from(trialClaims)
    .where(eq(trialClaims.identityHash, identityHash))
    .limit(1);
  const now = wholeSeconds(ctx.now());
  const membership = initialMembership(now, ctx.config.trialDays, claim !== undefined);
  const readerId = newId('reader');
  const session = await newSession(ctx, readerId);
  const reader: ReaderRow = {
    id: readerId,
    email,
    emailKey: key,
    trialIdentity: identity,
    passwordHash: how.passwordHash,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    revokedBefore: null,
    emailVerifiedAt: how.verified ? now : null,
  };
  const welcome = mailRow(ctx, {
    dedupeKey: `welcome:${readerId}`,
    readerId,
    to: email,
    template: 'welcome',
    payload: {
      trial_end: membership.status === 'trialing' ? rfc3339OrNull(membership.trialEndsAt) : null,
      needs_confirmation: !how.verified,
    },
  });
  try {
    await ctx.db.batch([
      ctx.db.insert(readers).values(reader),
      ctx.db
        .insert(memberships)
        .values({ readerId, ...membershipColumns(membership), createdAt: now, updatedAt: now }),
      ctx.db.insert(trialClaims).values({ identityHash, claimedAt: now }).onConflictDoNothing(),
      ctx.db.insert(sessions).values(session.row),
      ctx.db.insert(outbox).values(welcome),
    ]);
  } catch (err) {
    // Two sign-ups for one person raced past the check above: the unique indexes decide.
    if (isUniqueViolation(err, 'readers.')) throw EMAIL_TAKEN();
    throw err;
  }
  ctx.logger.info('reader signed up', { reader_id: readerId, trial: membership.status === 'trialing' });
  return { reader, membership, sessionToken: session.token, sessionExpiresAt: session.expiresAt };
}
