/** @module The Stripe-Signature of a webhook, checked on the raw body before anything else. */
import type Stripe from 'stripe';
import type { AppContext } from '../../../app/context';
import { ApiError } from '../../../app/errors';
import { stripeCrypto, stripeFor } from '../stripe';

/** Stripe's own default: a signature older than five minutes is a replay. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The timestamp a Stripe-Signature header is verified against, read exactly as Stripe's own SDK
 * reads it (stripe-node's `parseHeader`): the header split on `,`, each item on `=`, and the last
 * `t` wins. A check of the timestamp must look at this one, the one the signature covers.
 */
export function signedTimestamp(header: string): number {
  let timestamp = -1;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') timestamp = Number.parseInt(value ?? '', 10);
  }
  return timestamp;
}

const REFUSED = () => new ApiError('invalid_request', 'The Stripe-Signature header does not match the body.');

/**
 * The event, once its signature is verified by Stripe's SDK (the signature over the raw body with
 * the endpoint's secret, five minutes' tolerance). Stripe's check is one-sided (too old); this one
 * also refuses a signature dated more than the tolerance ahead, or a future-dated signature would
 * stay replayable for as long as its clock is ahead.
 */
export async function verifyStripeSignature(
  ctx: AppContext,
  rawBody: string,
  signature: string | undefined,
): Promise<Stripe.Event> {
  if (!signature) throw new ApiError('invalid_request', 'Missing Stripe-Signature header.');
  let event: Stripe.Event;
  try {
    event = await stripeFor(ctx.config).webhooks.constructEventAsync(
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
    throw REFUSED();
  }
  if (signedTimestamp(signature) > Date.now() / 1000 + WEBHOOK_TOLERANCE_SECONDS) {
    ctx.logger.warn('stripe webhook signature refused', { error: 'signed in the future' });
    throw REFUSED();
  }
  return event;
}
