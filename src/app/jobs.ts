/** @module Scheduled work, the same on both doors: reconcile with Stripe, send due mail, prune old limit windows. */
import { reconcileStripe } from '../features/billing';
import { pruneRateLimits } from '../features/limits';
import { deliverOutbox, type MailSender, senderFor } from '../features/mail';
import type { AppContext } from './context';

export async function runScheduledJobs(ctx: AppContext, sender: MailSender = senderFor(ctx)) {
  const reconcile = await reconcileStripe({ ctx, input: {} }).catch((err: unknown) => {
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
