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
 * Verifies the signature by Stripe's SDK (over the raw body with the endpoint's secret, five
 * minutes' tolerance), without parsing the payload: `parseStripeEvent` does that, when it is needed.
 * Stripe's check is one-sided (too old); this one also refuses a signature dated more than the
 * tolerance ahead, or a future-dated signature would stay replayable for as long as its clock is ahead.
 */
export async function verifyStripeSignature(
  ctx: AppContext,
  rawBody: string,
  signature: string | undefined,
): Promise<void> {
  if (!signature) throw new ApiError('invalid_request', 'Missing Stripe-Signature header.');
  const verifier = stripeFor(ctx.config).webhooks.signature;
  if (!verifier) throw new Error('the Stripe SDK has no webhook signature verifier');
  try {
    await verifier.verifyHeaderAsync(
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
}

/**
 * The event of a verified payload, as the SDK's `constructEvent` builds it: the parsed JSON, and a
 * refusal of a thin event notification (`v2.core.event`), which this endpoint does not take.
 */
export function parseStripeEvent(rawBody: string): Stripe.Event {
  let event: unknown;
  try {
    event = JSON.parse(rawBody);
  } catch {
    throw new ApiError('invalid_request', 'The webhook payload is not JSON.');
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new ApiError('invalid_request', 'The webhook payload is not a Stripe event.');
  }
  if ((event as { object?: unknown }).object === 'v2.core.event') {
    throw new ApiError(
      'invalid_request',
      'Thin event notifications are not taken here; send snapshot events.',
    );
  }
  return event as Stripe.Event;
}
