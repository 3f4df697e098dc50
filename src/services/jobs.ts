/** @module Scheduled work, the same on both doors: reconcile with Stripe, send due mail, prune old limit windows. */
import type { AppContext } from '../context';
import { senderFor } from './mail';
import { deliverOutbox, type MailSender } from './outbox';
import { pruneRateLimits } from './rate-limit';
import { reconcileStripe } from './reconcile';

export async function runScheduledJobs(ctx: AppContext, sender: MailSender = senderFor(ctx)) {
  const reconcile = await reconcileStripe(ctx).catch((err: unknown) => {
    ctx.logger.error('scheduled reconciliation failed', {
      error: err instanceof Error ? err.message : String(err),
    });
    return null;
  });
  const mail = await deliverOutbox(ctx, sender);
  await pruneRateLimits(ctx).catch((err: unknown) => {
    ctx.logger.warn('pruning rate limit windows failed', {
      error: err instanceof Error ? err.message : String(err),
    });
  });
  return { reconcile, mail };
}
