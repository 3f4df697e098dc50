/** @module The Stripe-Signature of a webhook, checked on the raw body before anything else. */
import type Stripe from 'stripe';
import type { AppContext } from '../../../app/context';
import { ApiError } from '../../../app/errors';
import { stripeCrypto, stripeFor } from '../stripe';

/** Stripe's own default: a signature older than five minutes is a replay. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export async function verifyStripeSignature(
  ctx: AppContext,
  rawBody: string,
  signature: string | undefined,
): Promise<Stripe.Event> {
  if (!signature) throw new ApiError('invalid_request', 'Missing Stripe-Signature header.');
  // Stripe's check is one-sided (too old); a tolerance is two-sided, or a future-dated signature
  // would stay replayable for as long as its clock is ahead.
  const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(signature)?.[1] ?? Number.NaN);
  if (signedAt > Date.now() / 1000 + WEBHOOK_TOLERANCE_SECONDS) {
    ctx.logger.warn('stripe webhook signature refused', { error: 'signed in the future' });
    throw new ApiError('invalid_request', 'The Stripe-Signature header does not match the body.');
  }
  try {
    return await stripeFor(ctx.config).webhooks.constructEventAsync(
      rawBody,
      signature,
      ctx.config.stripe.webhookSecret,
      WEBHOOK_TOLERANCE_SECONDS,
      stripeCrypto,
      // Replay protection compares Stripe's signing time with the wall clock of this machine,
      // deliberately not ctx.now(): that is business time, which tests move on with the emulator.
    );
  } catch (err) {
    ctx.logger.warn('stripe webhook signature refused', {
      error: err instanceof Error ? err.message : String(err),
    });
    throw new ApiError('invalid_request', 'The Stripe-Signature header does not match the body.');
  }
}
