/**
 * @module Sign-in and sign-up by mail, without a password: one mail with a link and a 6-digit code,
 * valid 15 minutes, single use. Asking answers the same whether or not the address has an account;
 * confirming signs in (or opens the account and its trial) and marks the address verified.
 *
 * As for reset links, the outbox keeps only a random `ref`; the link's token and the code are
 * derived from it under PAIRWISE_SECRET at send time, and `email_sign_ins` keeps only their keyed
 * hashes. Guessing codes spends the account's sign-in failure budget, taken before the check.
 */
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError, invalidRequest } from '../../app/errors';
import { toMembership } from '../../db/memberships';
import { emailSignIns, memberships, outbox, readers, sessions } from '../../db/schema';
import { EMAIL_MESSAGE, emailKey, normalizeEmail } from '../../domain/email';
import { epochSeconds, rfc3339, wholeSeconds } from '../../domain/time';
import { randomToken, sha256Hex } from '../../lib/crypto';
import { enforce, giveBack, rateLimited, take } from '../limits';
import { mailRow, senderFor, sendSoon, signInCode, signInCodeHash, signInToken } from '../mail';
import { newSession } from './sessions';
import { openAccount, type SignedIn } from './sign-up';

export const SIGN_IN_MAIL_TTL_SECONDS = 15 * 60;
/** Spent and expired sign-ins are kept this long, then deleted when the next one is asked for. */
const RETENTION_SECONDS = 86_400;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const CODE_SHAPE = /^\d{6}$/;

/** A mailed sign-in that can still be used at `now`: unused and unexpired. */
const liveAt = (now: Date) => and(isNull(emailSignIns.usedAt), gt(emailSignIns.expiresAt, now));

/** A signed-in reader, and whether the account was opened just now (201 rather than 200). */
export interface MailSignedIn extends SignedIn {
  created: boolean;
  /** The continuation stored with the request, for the page that confirms the link. */
  next: string | null;
}

/**
 * Mails a sign-in link and code to `email`. The same single batch runs whether or not the address
 * has an account (an address without one gets the same mail, and signs up by using it), so neither
 * the answer nor the work tells who has an account.
 */
export async function requestEmailSignIn({
  ctx,
  input,
}: UseCase<{
  email: string;
  next?: string | null;
  /** `verify`: the same link and code, worded as a request to confirm a signed-in reader's address. */
  purpose?: 'sign_in' | 'verify';
}>): Promise<void> {
  const mailbox = normalizeEmail(input.email);
  if (!mailbox) throw invalidRequest([{ path: 'email', message: EMAIL_MESSAGE }]);
  await enforce(ctx, 'signinMailsIp', ctx.clientAddress ?? 'unknown');
  await enforce(ctx, 'signinMails', mailbox.key);
  const now = wholeSeconds(ctx.now());
  const expiresAt = new Date(now.getTime() + SIGN_IN_MAIL_TTL_SECONDS * 1000);
  const ref = randomToken(32);
  const code = await signInCode(ctx.config, ref);
  const [account] = await ctx.db
    .select({ id: readers.id })
    .from(readers)
    .where(and(eq(readers.emailKey, mailbox.key), isNull(readers.deletedAt)))
    .limit(1);
  const mail = mailRow(ctx, {
    dedupeKey: `sign_in:${ref.slice(0, 16)}`,
    readerId: account?.id ?? null,
    to: mailbox.address,
    template: input.purpose === 'verify' ? 'verify_email' : 'sign_in',
    payload: { sign_in_ref: ref, expires_at: rfc3339(expiresAt), new_account: account === undefined },
  });
  await ctx.db.batch([
    ctx.db
      .delete(emailSignIns)
      .where(lt(emailSignIns.expiresAt, new Date(now.getTime() - RETENTION_SECONDS * 1000))),
    ctx.db.insert(emailSignIns).values({
      tokenHash: await sha256Hex(await signInToken(ctx.config, ref)),
      codeHash: await signInCodeHash(ctx.config, mailbox.key, code),
      emailKey: mailbox.key,
      email: mailbox.address,
      next: input.next ?? null,
      createdAt: now,
      expiresAt,
    }),
    ctx.db.insert(outbox).values(mail),
  ]);
  sendSoon(ctx, senderFor(ctx), mail.id ?? '');
}

const INVALID = (path: 'code' | 'token') =>
  new ApiError(
    'unauthenticated',
    'The sign-in code or link is wrong, expired or already used. Ask for a new one.',
    {
      errors: [{ path, message: 'Wrong, expired or already used' }],
    },
  );

/**
 * Spends a mailed link (`token`) or code (`email` + `code`) and signs the reader in: one
 * conditional `UPDATE … RETURNING` claims it, so two concurrent uses cannot both succeed. A code
 * check first takes a unit of the account's sign-in failure budget (given back when it was right).
 */
export async function confirmEmailSignIn({
  ctx,
  input,
}: UseCase<{ token: string } | { email: string; code: string }>): Promise<MailSignedIn> {
  const now = wholeSeconds(ctx.now());
  await enforce(ctx, 'signinIp', ctx.clientAddress ?? 'unknown');
  let spent: { email: string; next: string | null } | null | undefined;
  if ('token' in input) {
    if (!TOKEN_SHAPE.test(input.token)) throw INVALID('token');
    [spent] = await claim(
      ctx,
      and(eq(emailSignIns.tokenHash, await sha256Hex(input.token)), liveAt(now)),
      now,
    );
    if (!spent) throw INVALID('token');
  } else {
    spent = await spendMailedCode(ctx, emailKey(input.email), input.code);
    if (!spent) throw INVALID('code');
  }
  return { ...(await signInMailbox(ctx, spent.email, now)), next: spent.next };
}

/**
 * Spends a mailed code of the account `key` (its `email_key`): a unit of the account's sign-in
 * failure budget is taken first (429 when spent) and given back when the code was right. What the
 * code was asked for, or null when it is wrong, expired or used. Also how a reader without a
 * password confirms deleting the account.
 */
export async function spendMailedCode(ctx: AppContext, key: string, code: string) {
  const budget = await take(ctx, 'signinFailures', key);
  if (!budget.allowed) throw rateLimited(budget);
  if (!CODE_SHAPE.test(code)) return null;
  const now = wholeSeconds(ctx.now());
  const codeHash = await signInCodeHash(ctx.config, key, code);
  const [claimed] = await claim(
    ctx,
    and(eq(emailSignIns.codeHash, codeHash), eq(emailSignIns.emailKey, key), liveAt(now)),
    now,
  );
  if (!claimed) return null;
  await giveBack(ctx, budget.ticket);
  return claimed;
}

/** Whether a mailed link can still be used, and where it leads: its page says so before any click. */
export async function liveSignInLink(
  ctx: AppContext,
  token: string,
): Promise<{ next: string | null } | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const now = wholeSeconds(ctx.now());
  const [row] = await ctx.db
    .select({ next: emailSignIns.next })
    .from(emailSignIns)
    .where(and(eq(emailSignIns.tokenHash, await sha256Hex(token)), liveAt(now)))
    .limit(1);
  return row ?? null;
}

/** Marks every matching live sign-in used, returning what they were for. */
function claim(ctx: AppContext, where: ReturnType<typeof and>, now: Date) {
  return ctx.db
    .update(emailSignIns)
    .set({ usedAt: now })
    .where(where)
    .returning({ email: emailSignIns.email, emailKey: emailSignIns.emailKey, next: emailSignIns.next });
}

/** The live account of a normalised address, with its membership, if there is one. */
async function accountOf(ctx: AppContext, key: string) {
  const [row] = await ctx.db
    .select({ reader: readers, membership: memberships })
    .from(readers)
    .leftJoin(memberships, eq(memberships.readerId, readers.id))
    .where(and(eq(readers.emailKey, key), isNull(readers.deletedAt)))
    .limit(1);
  return row;
}

/** Signs an existing account in and marks its address verified (first proof kept). */
async function signInAccount(
  ctx: AppContext,
  row: NonNullable<Awaited<ReturnType<typeof accountOf>>>,
  now: Date,
): Promise<Omit<MailSignedIn, 'next'>> {
  const session = await newSession(ctx, row.reader.id);
  await ctx.db.batch([
    ctx.db.insert(sessions).values(session.row),
    ctx.db
      .update(readers)
      .set({ emailVerifiedAt: sql`coalesce(${readers.emailVerifiedAt}, ${epochSeconds(now)})` })
      .where(eq(readers.id, row.reader.id)),
  ]);
  return {
    reader: { ...row.reader, emailVerifiedAt: row.reader.emailVerifiedAt ?? now },
    membership: toMembership(row.membership),
    sessionToken: session.token,
    sessionExpiresAt: session.expiresAt,
    created: false,
  };
}

/** The address is proven: sign its account in (verifying it), or open one with its trial. */
async function signInMailbox(
  ctx: AppContext,
  address: string,
  now: Date,
): Promise<Omit<MailSignedIn, 'next'>> {
  const mailbox = normalizeEmail(address);
  if (!mailbox) throw invalidRequest([{ path: 'email', message: EMAIL_MESSAGE }]);
  const existing = await accountOf(ctx, mailbox.key);
  if (existing) return signInAccount(ctx, existing, now);
  try {
    return { ...(await openAccount(ctx, mailbox, { passwordHash: null, verified: true })), created: true };
  } catch (err) {
    // Another confirmation for this address opened the account a moment ago: sign into that one.
    // (openAccount answers email_taken for that, and for another spelling of the same person.)
    if (!(err instanceof ApiError && err.code === 'email_taken')) throw err;
    const raced = await accountOf(ctx, mailbox.key);
    if (!raced) throw err;
    return signInAccount(ctx, raced, now);
  }
}
