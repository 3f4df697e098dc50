/**
 * @module Password reset: a one-time link, valid one hour, mailed through the outbox; using it sets
 * the new password and ends every session of the reader, in one batch.
 *
 * The token in the link is HMAC(PAIRWISE_SECRET, `password-reset:v1:` ‖ ref) of a random 32-byte
 * `ref`. Only its SHA-256 is stored in `password_resets`, and the outbox keeps only `ref`: someone
 * who can read the database (a leaked backup, a read-only token) finds no usable link in it.
 */
import { and, eq, exists, gt, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { newId } from '../../db/ids';
import { outbox, passwordResets, readers, sessions } from '../../db/schema';
import { emailKey } from '../../domain/email';
import { epochSeconds, rfc3339, wholeSeconds } from '../../domain/time';
import { randomToken, sha256Hex } from '../../lib/crypto';
import { hashPassword } from '../../lib/password';
import { enforce } from '../limits';
import { resetToken, senderFor, sendSoon } from '../mail';

export const RESET_TTL_SECONDS = 3600;
/** Live (unused, unexpired) links per reader; further requests within the hour send nothing. */
export const MAX_LIVE_RESETS = 3;
/** Spent and expired requests are kept this long (the reader's export shows them), then deleted. */
const RESET_RETENTION_SECONDS = 7 * 86_400;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Queues a reset link for the account of `email`, if there is one. The same single batch runs
 * whether or not the account exists (its inserts select from `readers`, so for an unknown email
 * they insert nothing): the answer and the work do not tell which emails have accounts.
 */
export async function requestPasswordReset({ ctx, input }: UseCase<{ email: string }>): Promise<void> {
  // Counted per address and per account whether or not the account exists: the limit tells nothing.
  await enforce(ctx, 'passwordResetsIp', ctx.clientAddress ?? 'unknown');
  await enforce(ctx, 'passwordResets', emailKey(input.email));
  const now = epochSeconds(ctx.now());
  const ref = randomToken(32);
  const tokenHash = await sha256Hex(await resetToken(ctx.config, ref));
  const expiresAt = now + RESET_TTL_SECONDS;
  const live = sql`(select count(*) from ${passwordResets} as live
    where live.reader_id = ${readers.id} and live.used_at is null and live.expires_at > ${now})`;
  const payload = JSON.stringify({ reset_ref: ref, expires_at: rfc3339(new Date(expiresAt * 1000)) });
  const value = <T>(v: T, name: string) => sql<T>`${v}`.as(name);
  const mailId = newId('mail');
  await ctx.db.batch([
    ctx.db
      .delete(passwordResets)
      .where(lt(passwordResets.expiresAt, new Date((now - RESET_RETENTION_SECONDS) * 1000))),
    ctx.db.insert(passwordResets).select((qb) =>
      qb
        .select({
          tokenHash: value(tokenHash, 'token_hash'),
          readerId: readers.id,
          createdAt: value(now, 'created_at'),
          expiresAt: value(expiresAt, 'expires_at'),
          usedAt: value(null, 'used_at'),
        })
        .from(readers)
        .where(
          and(
            eq(readers.emailKey, emailKey(input.email)),
            isNull(readers.deletedAt),
            isNotNull(readers.email),
            sql`${live} < ${MAX_LIVE_RESETS}`,
          ),
        ),
    ),
    ctx.db
      .insert(outbox)
      .select((qb) =>
        qb
          .select({
            id: value(mailId, 'id'),
            dedupeKey: value(`password_reset:${mailId}`, 'dedupe_key'),
            readerId: readers.id,
            toAddress: readers.email,
            template: value('password_reset', 'template'),
            payload: value(payload, 'payload'),
            status: value('pending', 'status'),
            attempts: value(0, 'attempts'),
            nextAttemptAt: value(now, 'next_attempt_at'),
            lastError: value(null, 'last_error'),
            createdAt: value(now, 'created_at'),
            sentAt: value(null, 'sent_at'),
          })
          .from(passwordResets)
          .innerJoin(readers, eq(readers.id, passwordResets.readerId))
          .where(eq(passwordResets.tokenHash, tokenHash)),
      )
      .onConflictDoNothing(),
  ]);
  // Sent after the answer, not at the next scheduled run (no row when there is no account).
  sendSoon(ctx, senderFor(ctx), mailId);
}

const INVALID_LINK = () =>
  new ApiError('invalid_request', 'The reset link is invalid, expired or already used. Ask for a new one.', {
    errors: [{ path: 'token', message: 'Invalid, expired or already used' }],
  });

/** The reader a reset link still works for (unused, unexpired, account live), or null. */
async function liveReset(ctx: AppContext, token: string) {
  if (!TOKEN_SHAPE.test(token)) return null;
  const tokenHash = await sha256Hex(token);
  const now = wholeSeconds(ctx.now());
  const valid = and(
    eq(passwordResets.tokenHash, tokenHash),
    isNull(passwordResets.usedAt),
    gt(passwordResets.expiresAt, now),
  );
  const [found] = await ctx.db
    .select({ readerId: passwordResets.readerId })
    .from(passwordResets)
    .innerJoin(readers, eq(readers.id, passwordResets.readerId))
    .where(and(valid, isNull(readers.deletedAt)))
    .limit(1);
  return found ? { readerId: found.readerId, tokenHash, valid, now } : null;
}

/** Whether a reset link can still be used: its page says so before the reader types a password. */
export async function resetLinkWorks(ctx: AppContext, token: string): Promise<boolean> {
  return (await liveReset(ctx, token)) !== null;
}

/**
 * Sets the new password from a reset link. In one batch, each statement conditional on the link
 * still being unused and unexpired: the password, the end of every session and of every token
 * issued before (as a revocation), and every live link of the reader marked used. Of two
 * concurrent confirmations only one can match.
 */
export async function confirmPasswordReset({
  ctx,
  input,
}: UseCase<{ token: string; password: string }>): Promise<void> {
  const found = await liveReset(ctx, input.token);
  // Checked before the KDF runs, so an invalid link costs no hashing work.
  if (!found) throw INVALID_LINK();
  const { tokenHash, valid, now } = found;
  const readerId = found.readerId;
  const passwordHash = await hashPassword(input.password);
  const stillValid = exists(ctx.db.select({ one: sql`1` }).from(passwordResets).where(valid));
  const results = await ctx.db.batch([
    ctx.db
      .update(readers)
      // As a revocation does: the sessions go, and introspection refuses tokens issued before now.
      .set({ passwordHash, revokedBefore: now, updatedAt: now })
      .where(and(eq(readers.id, readerId), isNull(readers.deletedAt), stillValid)),
    ctx.db.delete(sessions).where(and(eq(sessions.readerId, readerId), stillValid)),
    ctx.db
      .update(passwordResets)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResets.readerId, readerId),
          isNull(passwordResets.usedAt),
          ne(passwordResets.tokenHash, tokenHash),
          stillValid,
        ),
      ),
    ctx.db
      .update(passwordResets)
      .set({ usedAt: now })
      .where(valid)
      .returning({ hash: passwordResets.tokenHash }),
  ]);
  if (results[3].length !== 1) throw INVALID_LINK();
  ctx.logger.info('password reset', { reader_id: readerId });
}
