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

export type MailTemplate = 'trial_will_end' | 'payment_failed' | 'password_reset';

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
    readerId: string;
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
  for (const row of due) {
    if (!row.toAddress) {
      // The reader was deleted after the mail was queued: nobody to write to.
      await ctx.db
        .update(outbox)
        .set({ status: 'dead', lastError: 'no recipient' })
        .where(eq(outbox.id, row.id));
      result.dead++;
      continue;
    }
    try {
      await sender.send({ id: row.id, to: row.toAddress, template: row.template, payload: row.payload });
      await ctx.db
        .update(outbox)
        .set({ status: 'sent', sentAt: now, attempts: sql`${outbox.attempts} + 1` })
        .where(eq(outbox.id, row.id));
      result.sent++;
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
      if (dead) result.dead++;
      else result.failed++;
    }
  }
  return result;
}
