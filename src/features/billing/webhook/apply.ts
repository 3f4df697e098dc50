/**
 * @module Applying one Stripe event, once: skip a processed event id, let the event's handler say
 * what changes (from Stripe's latest state), decide, and commit conditionally on the version read;
 * when another event moved the membership on meanwhile, read again and retry.
 */
import type Stripe from 'stripe';
import type { UseCase } from '../../../app/context';
import { wholeSeconds } from '../../../domain/time';
import { commitChange, commitRecordOnly, isProcessed } from './commit';
import { decide, type EventOutcome, type EventSource } from './decide';
import { handlerOf } from './handlers';

const ATTEMPTS = 4;

/**
 * Applies an event once. Returns `duplicate` for an event id already processed, `ignored` for a
 * type the service does not handle. Throws (→ 5xx, so Stripe retries) when Stripe or the database
 * fails.
 */
export async function applyStripeEvent({
  ctx,
  input: { event, source },
}: UseCase<{ event: Stripe.Event; source: EventSource }>): Promise<EventOutcome> {
  const handle = handlerOf(event.type);
  if (!handle) return 'ignored';
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await isProcessed(ctx, event.id)) return 'duplicate';
    const change = await handle(ctx, event);
    const decision = decide(event, change, source, wholeSeconds(ctx.now()));
    if (decision.outcome !== 'applied' || decision.before === null) {
      await commitRecordOnly(ctx, change, decision);
      return decision.outcome;
    }
    if (await commitChange(ctx, change, { ...decision, before: decision.before })) return decision.outcome;
    ctx.logger.info('stripe event raced another update; retrying', { event_id: event.id, attempt });
  }
  throw new Error(`could not apply ${event.id} after repeated concurrent updates`);
}

export type { EventOutcome, EventSource } from './decide';
