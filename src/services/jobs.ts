/** @module Scheduled work, the same on both doors: reconcile with Stripe, then send due mail. */
import type { AppContext } from '../context';
import { consoleSender, deliverOutbox, type MailSender } from './outbox';
import { reconcileStripe } from './reconcile';

export async function runScheduledJobs(ctx: AppContext, sender: MailSender = consoleSender(ctx)) {
  const reconcile = await reconcileStripe(ctx).catch((err: unknown) => {
    ctx.logger.error('scheduled reconciliation failed', {
      error: err instanceof Error ? err.message : String(err),
    });
    return null;
  });
  const mail = await deliverOutbox(ctx, sender);
  return { reconcile, mail };
}
