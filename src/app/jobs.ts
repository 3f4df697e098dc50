/** @module Scheduled work, the same on both doors: reconcile with Stripe, webhooks, send due mail, record the day's metrics, the reads ledger, prune old limit windows. */
import { reconcileStripe } from '../features/billing';
import { recordDailyMetrics } from '../features/console';
import { runLedgerJobs } from '../features/ledger';
import { pruneRateLimits } from '../features/limits';
import { deliverOutbox, type MailSender, senderFor } from '../features/mail';
import { runWebhookJobs } from '../features/webhooks';
import type { AppContext } from './context';

export async function runScheduledJobs(ctx: AppContext, sender: MailSender = senderFor(ctx)) {
  const reconcile = await reconcileStripe({ ctx, input: {} }).catch((err: unknown) => {
    ctx.logger.error('scheduled reconciliation failed', {
      error: err instanceof Error ? err.message : String(err),
    });
    return null;
  });
  // Before the mail: an endpoint disabled now has its owners' mail sent in this same run.
  const webhooks = await runWebhookJobs(ctx);
  const mail = await deliverOutbox(ctx, sender);
  // The dashboard's members-by-status and MRR lines: the last run of a day is the day's value.
  await recordDailyMetrics(ctx).catch((err: unknown) => {
    ctx.logger.warn('recording the daily metrics failed', {
      error: err instanceof Error ? err.message : String(err),
    });
  });
  // Seal ended days into the reads ledger, archive months whose statement is signed, trim `reads`.
  const ledger = await runLedgerJobs(ctx).catch((err: unknown) => {
    ctx.logger.error('the reads ledger jobs failed', {
      error: err instanceof Error ? err.message : String(err),
    });
    return null;
  });
  await pruneRateLimits(ctx).catch((err: unknown) => {
    ctx.logger.warn('pruning rate limit windows failed', {
      error: err instanceof Error ? err.message : String(err),
    });
  });
  return { reconcile, mail, webhooks, ledger };
}
