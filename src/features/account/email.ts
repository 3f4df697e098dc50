/**
 * @module The reader's address: confirming it (the day-one rule for trials) and changing it, proven
 * by a link and a 6-digit code mailed to the new address, the old address told once it changed.
 *
 * A change keeps only keyed hashes (`email_changes`), as sign-in by mail does; guessing its code
 * spends the account's sign-in failure budget. The new address takes over the account's trial
 * identity, and its trial claim is recorded too: moving to a fresh address never frees a trial.
 */
import { and, eq, gt, isNull, lt, ne, or } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError, invalidRequest } from '../../app/errors';
import { isUniqueViolation } from '../../db/errors';
import { emailChanges, outbox, readers, trialClaims } from '../../db/schema';
import { EMAIL_MESSAGE, normalizeEmail } from '../../domain/email';
import { epochSeconds, rfc3339, wholeSeconds } from '../../domain/time';
import { randomToken, sha256Hex } from '../../lib/crypto';
import { enforce, giveBack, rateLimited, take } from '../limits';
import {
  emailChangeCode,
  emailChangeCodeHash,
  emailChangeToken,
  mailRow,
  senderFor,
  sendSoon,
} from '../mail';
import {
  type Authenticated,
  requestEmailSignIn,
  SIGN_IN_MAIL_TTL_SECONDS,
  spendMailedCode,
  trialIdentityHash,
} from '../readers';

const RETENTION_SECONDS = 86_400;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const CODE_SHAPE = /^\d{6}$/;

const ALREADY_VERIFIED = () => new ApiError('conflict', 'This address is already confirmed.');
const WRONG_CODE = (path: 'code' | 'token') =>
  new ApiError('unauthenticated', 'The code or link is wrong, expired or already used. Ask for a new one.', {
    errors: [{ path, message: 'Wrong, expired or already used' }],
  });

/** Mails the reader's own address a link and a code that confirm it (the sign-in mail, worded so). */
export async function requestEmailVerification({
  ctx,
  principal: who,
}: UseCase<undefined, Authenticated>): Promise<void> {
  if (who.reader.emailVerifiedAt !== null) throw ALREADY_VERIFIED();
  await requestEmailSignIn({ ctx, input: { email: who.reader.email ?? '', purpose: 'verify' } });
}

/** Confirms the signed-in reader's address with the mailed code; the session stays as it is. */
export async function confirmEmailVerification({
  ctx,
  principal: who,
  input,
}: UseCase<{ code: string }, Authenticated>): Promise<Date> {
  if (who.reader.emailVerifiedAt !== null) throw ALREADY_VERIFIED();
  const spent = await spendMailedCode(ctx, who.reader.emailKey ?? '', input.code);
  if (!spent) throw WRONG_CODE('code');
  const now = wholeSeconds(ctx.now());
  await ctx.db.update(readers).set({ emailVerifiedAt: now }).where(eq(readers.id, who.reader.id));
  ctx.logger.info('email verified', { reader_id: who.reader.id });
  return now;
}

/**
 * Mails a link and a code to `email` that move the account there. Answers the same whether or not
 * the address already has an account (that shows only to whoever can read its mail, at confirmation).
 */
export async function requestEmailChange({
  ctx,
  principal: who,
  input,
}: UseCase<{ email: string }, Authenticated>): Promise<void> {
  const mailbox = normalizeEmail(input.email);
  if (!mailbox) throw invalidRequest([{ path: 'email', message: EMAIL_MESSAGE }]);
  if (mailbox.key === who.reader.emailKey)
    throw invalidRequest([{ path: 'email', message: 'This is already the address of the account' }]);
  await enforce(ctx, 'signinMailsIp', ctx.clientAddress ?? 'unknown');
  await enforce(ctx, 'signinMails', `change:${who.reader.id}`);
  const now = wholeSeconds(ctx.now());
  const expiresAt = new Date(now.getTime() + SIGN_IN_MAIL_TTL_SECONDS * 1000);
  const ref = randomToken(32);
  const mail = mailRow(ctx, {
    dedupeKey: `email_change:${ref.slice(0, 16)}`,
    readerId: who.reader.id,
    to: mailbox.address,
    template: 'email_change',
    payload: { change_ref: ref, expires_at: rfc3339(expiresAt) },
  });
  await ctx.db.batch([
    ctx.db
      .delete(emailChanges)
      .where(lt(emailChanges.expiresAt, new Date(now.getTime() - RETENTION_SECONDS * 1000))),
    // One pending change at a time: asking again voids the earlier link and code.
    ctx.db
      .update(emailChanges)
      .set({ usedAt: now })
      .where(and(eq(emailChanges.readerId, who.reader.id), isNull(emailChanges.usedAt))),
    ctx.db.insert(emailChanges).values({
      tokenHash: await sha256Hex(await emailChangeToken(ctx.config, ref)),
      codeHash: await emailChangeCodeHash(ctx.config, who.reader.id, await emailChangeCode(ctx.config, ref)),
      readerId: who.reader.id,
      email: mailbox.address,
      emailKey: mailbox.key,
      createdAt: now,
      expiresAt,
    }),
    ctx.db.insert(outbox).values(mail),
  ]);
  sendSoon(ctx, senderFor(ctx), mail.id ?? '');
}

const liveAt = (now: Date) => and(isNull(emailChanges.usedAt), gt(emailChanges.expiresAt, now));

/** Whether a change-of-address link can still be used, and to which address: its page says so. */
export async function liveEmailChangeLink(ctx: AppContext, token: string): Promise<{ email: string } | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const [row] = await ctx.db
    .select({ email: emailChanges.email })
    .from(emailChanges)
    .where(and(eq(emailChanges.tokenHash, await sha256Hex(token)), liveAt(wholeSeconds(ctx.now()))))
    .limit(1);
  return row ?? null;
}

/**
 * Spends a change-of-address link (`token`, from any browser: it proves the new mailbox) or code
 * (`code`, by the signed-in reader who asked) and moves the account to the new address, marking it
 * verified and telling the old one. 409 `email_taken` when another account has the address now.
 */
export async function confirmEmailChange({
  ctx,
  principal: who,
  input,
}: UseCase<{ token: string } | { code: string }, Authenticated | null>): Promise<{
  readerId: string;
  email: string;
}> {
  const now = wholeSeconds(ctx.now());
  await enforce(ctx, 'signinIp', ctx.clientAddress ?? 'unknown');
  const claim = (where: ReturnType<typeof and>) =>
    ctx.db
      .update(emailChanges)
      .set({ usedAt: now })
      .where(and(where, liveAt(now)))
      .returning({ readerId: emailChanges.readerId, email: emailChanges.email });
  let spent: { readerId: string; email: string } | undefined;
  if ('token' in input) {
    if (!TOKEN_SHAPE.test(input.token)) throw WRONG_CODE('token');
    [spent] = await claim(eq(emailChanges.tokenHash, await sha256Hex(input.token)));
    if (!spent) throw WRONG_CODE('token');
  } else {
    if (!who) throw new ApiError('unauthenticated', 'Sign in to confirm the new address with its code.');
    const budget = await take(ctx, 'signinFailures', who.reader.emailKey ?? who.reader.id);
    if (!budget.allowed) throw rateLimited(budget);
    if (CODE_SHAPE.test(input.code)) {
      const codeHash = await emailChangeCodeHash(ctx.config, who.reader.id, input.code);
      [spent] = await claim(
        and(eq(emailChanges.codeHash, codeHash), eq(emailChanges.readerId, who.reader.id)),
      );
    }
    if (!spent) throw WRONG_CODE('code');
    await giveBack(ctx, budget.ticket);
  }
  await moveAccount(ctx, spent.readerId, spent.email, now);
  return spent;
}

const EMAIL_TAKEN = () =>
  new ApiError('email_taken', 'Another account already uses this address (or another spelling of it).');

/** The account takes the new address, verified, in one batch with its trial claim and the mail to the old one. */
async function moveAccount(ctx: AppContext, readerId: string, address: string, now: Date): Promise<void> {
  const mailbox = normalizeEmail(address);
  if (!mailbox) throw invalidRequest([{ path: 'email', message: EMAIL_MESSAGE }]);
  const [reader] = await ctx.db
    .select({ email: readers.email })
    .from(readers)
    .where(and(eq(readers.id, readerId), isNull(readers.deletedAt)))
    .limit(1);
  if (!reader) throw new ApiError('not_found', 'This account no longer exists.');
  const [other] = await ctx.db
    .select({ id: readers.id })
    .from(readers)
    .where(
      and(
        ne(readers.id, readerId),
        or(eq(readers.emailKey, mailbox.key), eq(readers.trialIdentity, mailbox.identity)),
      ),
    )
    .limit(1);
  if (other) throw EMAIL_TAKEN();
  const told = mailRow(ctx, {
    dedupeKey: `email_changed:${readerId}:${epochSeconds(now)}`,
    readerId,
    to: reader.email,
    template: 'email_changed',
    payload: { new_email: mailbox.address },
  });
  try {
    await ctx.db.batch([
      ctx.db
        .update(readers)
        .set({
          email: mailbox.address,
          emailKey: mailbox.key,
          trialIdentity: mailbox.identity,
          emailVerifiedAt: now,
          updatedAt: now,
        })
        .where(eq(readers.id, readerId)),
      ctx.db
        .insert(trialClaims)
        .values({
          identityHash: await trialIdentityHash(ctx.config.pairwiseSecret, mailbox.address),
          claimedAt: now,
        })
        .onConflictDoNothing(),
      ctx.db.insert(outbox).values(told),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, 'readers.')) throw EMAIL_TAKEN();
    throw err;
  }
  sendSoon(ctx, senderFor(ctx), told.id ?? '');
  ctx.logger.info('email changed', { reader_id: readerId });
}
