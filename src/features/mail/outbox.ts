/**
 * @module The mail outbox: messages are written in the same batch as the change that causes them,
 * then sent by `deliverOutbox` with retries and a dead-letter state, through a `MailSender`
 * (features/mail/senders).
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { newId } from '../../db/ids';
import { outbox } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';

export type MailTemplate =
  | 'trial_will_end'
  | 'payment_failed'
  | 'payment_action_required'
  | 'password_reset'
  | 'sign_in'
  | 'welcome'
  | 'receipt'
  | 'cancellation'
  | 'verify_email'
  | 'email_change'
  | 'email_changed'
  | 'webhook_disabled'
  | 'console_invite'
  | 'gift_purchased'
  | 'gift_received'
  | 'seat_invite';

export interface OutgoingMail {
  id: string;
  to: string;
  template: MailTemplate | string;
  payload: Record<string, unknown>;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
}

export const MAX_MAIL_ATTEMPTS = 6;

/** The row for one message; insert it in the batch of the change that causes it. */
export function mailRow(
  ctx: AppContext,
  input: {
    dedupeKey: string;
    /** Null for a mail to an address that has no account yet (a sign-up by mail). */
    readerId: string | null;
    to: string | null;
    template: MailTemplate;
    payload: Record<string, unknown>;
  },
): typeof outbox.$inferInsert {
  const now = wholeSeconds(ctx.now());
  return {
    id: newId('mail'),
    dedupeKey: input.dedupeKey,
    readerId: input.readerId,
    toAddress: input.to,
    template: input.template,
    payload: input.payload,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  };
}

/** How long a message being sent now is kept from the scheduled run, so that it is not sent twice. */
const LEASE_MS = 5 * 60_000;

/**
 * Sends one queued message now, after the answer (`ctx.defer`), instead of at the next scheduled
 * run: a sign-in code cannot wait a minute. The row is leased first (its next attempt moved on by
 * one conditional update), so the scheduled run never sends it a second time; a failure counts as
 * an attempt, and the scheduled run retries it with the usual backoff.
 */
export function sendSoon(ctx: AppContext, sender: MailSender, mailId: string): void {
  if (!ctx.defer) return;
  ctx.defer(async () => {
    const now = wholeSeconds(ctx.now());
    const [row] = await ctx.db
      .update(outbox)
      .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
      .where(and(eq(outbox.id, mailId), eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
      .returning();
    if (row) await attempt(ctx, sender, row, now);
  });
}

type OutboxRow = typeof outbox.$inferSelect;

/** One delivery attempt of one message: sent, or retried with backoff, or dead-lettered. */
async function attempt(
  ctx: AppContext,
  sender: MailSender,
  row: OutboxRow,
  now: Date,
): Promise<'sent' | 'failed' | 'dead'> {
  if (!row.toAddress) {
    // The reader was deleted after the mail was queued: nobody to write to.
    await ctx.db
      .update(outbox)
      .set({ status: 'dead', lastError: 'no recipient' })
      .where(eq(outbox.id, row.id));
    return 'dead';
  }
  try {
    await sender.send({ id: row.id, to: row.toAddress, template: row.template, payload: row.payload });
    await ctx.db
      .update(outbox)
      .set({ status: 'sent', sentAt: now, attempts: sql`${outbox.attempts} + 1` })
      .where(eq(outbox.id, row.id));
    return 'sent';
  } catch (err) {
    const attempts = row.attempts + 1;
    const dead = attempts >= MAX_MAIL_ATTEMPTS;
    await ctx.db
      .update(outbox)
      .set({
        attempts,
        status: dead ? 'dead' : 'pending',
        lastError: err instanceof Error ? err.message.slice(0, 500) : String(err).slice(0, 500),
        // 1, 2, 4, 8, 16 minutes…
        nextAttemptAt: new Date(now.getTime() + 60_000 * 2 ** (attempts - 1)),
      })
      .where(eq(outbox.id, row.id));
    return dead ? 'dead' : 'failed';
  }
}

/** Sends due messages, at most `limit`; a failure is retried with backoff, then dead-lettered. */
export async function deliverOutbox(
  ctx: AppContext,
  sender: MailSender,
  limit = 50,
): Promise<{ sent: number; failed: number; dead: number }> {
  const now = wholeSeconds(ctx.now());
  const due = await ctx.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(limit);
  const result = { sent: 0, failed: 0, dead: 0 };
  for (const row of due) result[await attempt(ctx, sender, row, now)]++;
  return result;
}
