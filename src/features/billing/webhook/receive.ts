/** @module Receiving a Stripe webhook: the signature on the raw body first, then the event applied once. */
import type { UseCase } from '../../../app/context';
import { applyStripeEvent, type EventOutcome } from './apply';
import { verifyStripeSignature } from './verify';

export async function receiveStripeWebhook({
  ctx,
  input,
}: UseCase<{ rawBody: string; signature: string | undefined }>): Promise<{
  event: string;
  outcome: EventOutcome;
}> {
  const event = await verifyStripeSignature(ctx, input.rawBody, input.signature);
  const outcome = await applyStripeEvent({ ctx, input: { event, source: 'webhook' } });
  ctx.logger.info('stripe webhook', { event_id: event.id, type: event.type, outcome });
  return { event: event.id, outcome };
}
