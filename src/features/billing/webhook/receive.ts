/**
 * @module Receiving a Stripe webhook: the signature on the raw body first, then the event applied
 * once. A delivery of a type the service ignores, or of an event already processed, is answered
 * from the event's id and type alone (src/features/billing/webhook/head.ts), without parsing it.
 */
import type { UseCase } from '../../../app/context';
import { applyStripeEvent, type EventOutcome } from './apply';
import { isProcessed } from './commit';
import { handlerOf } from './handlers';
import { eventHead } from './head';
import { parseStripeEvent, verifyStripeSignature } from './verify';

export async function receiveStripeWebhook({
  ctx,
  input,
}: UseCase<{ rawBody: string; signature: string | undefined }>): Promise<{
  event: string;
  outcome: EventOutcome;
}> {
  await verifyStripeSignature(ctx, input.rawBody, input.signature);
  const head = eventHead(input.rawBody);
  if (head) {
    const answered = await answeredByHead(ctx, head.id, head.type);
    if (answered) return report(ctx, head.id, head.type, answered);
  }
  const event = parseStripeEvent(input.rawBody);
  // The head's lookup found the id unprocessed, when the head was read and names this event.
  const checkedUnprocessed = head !== null && head.id === event.id && head.type === event.type;
  const outcome = await applyStripeEvent({ ctx, input: { event, source: 'webhook', checkedUnprocessed } });
  return report(ctx, event.id, event.type, outcome);
}

/** `ignored` or `duplicate` when the id and type are enough to say so; null when the event must be applied. */
async function answeredByHead(
  ctx: UseCase['ctx'],
  id: string,
  type: string,
): Promise<'ignored' | 'duplicate' | null> {
  if (!handlerOf(type)) return 'ignored';
  return (await isProcessed(ctx, id)) ? 'duplicate' : null;
}

function report(ctx: UseCase['ctx'], id: string, type: string, outcome: EventOutcome) {
  ctx.logger.info('stripe webhook', { event_id: id, type, outcome });
  return { event: id, outcome };
}
