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
import { type Change, handlerOf } from './handlers';
import { heldFor, holdEvent } from './pending';

const ATTEMPTS = 4;

/**
 * Applies an event once. Returns `duplicate` for an event id already processed, `ignored` for a
 * type the service does not handle. Throws (→ 5xx, so Stripe retries) when Stripe or the database
 * fails.
 */
export async function applyStripeEvent({
  ctx,
  input: { event, source, checkedUnprocessed = false },
}: UseCase<{
  event: Stripe.Event;
  source: EventSource;
  /** The caller has just found the event id unprocessed: the first attempt need not look again. */
  checkedUnprocessed?: boolean;
}>): Promise<EventOutcome> {
  const handle = handlerOf(event.type);
  if (!handle) return 'ignored';
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if ((attempt > 0 || !checkedUnprocessed) && (await isProcessed(ctx, event.id))) return 'duplicate';
    const change = await handle(ctx, event);
    const decision = decide(event, change, source, wholeSeconds(ctx.now()));
    if (decision.outcome === 'unmatched' && change.subject) {
      // Not lost: kept, and applied again once a membership is linked to what it is about.
      await holdEvent(ctx, event, change.subject);
      return 'unmatched';
    }
    if (decision.outcome !== 'applied' || decision.before === null) {
      return (await commitRecordOnly(ctx, change, decision)) ? decision.outcome : 'duplicate';
    }
    const written = await commitChange(ctx, change, { ...decision, before: decision.before });
    if (written === 'duplicate') return 'duplicate';
    if (written === 'landed') {
      if (source !== 'retry') await applyHeldFor(ctx, change);
      return decision.outcome;
    }
    ctx.logger.info('stripe event raced another update; retrying', { event_id: event.id, attempt });
  }
  throw new Error(`could not apply ${event.id} after repeated concurrent updates`);
}

/**
 * After a change linked a membership to a Stripe customer or subscription, the events held for
 * them (which arrived before the link) are applied, oldest first. They run as `retry`, which does
 * not cascade further.
 */
async function applyHeldFor(ctx: UseCase['ctx'], change: Change): Promise<void> {
  const row = change.target?.row;
  const ids = (...values: (string | null | undefined)[]) => [
    ...new Set(values.filter((v): v is string => !!v)),
  ];
  const held = await heldFor(ctx, {
    customerIds: ids(change.links?.stripeCustomerId, row?.stripeCustomerId),
    subscriptionIds: ids(change.links?.stripeSubscriptionId, row?.stripeSubscriptionId),
  });
  for (const event of held) await applyStripeEvent({ ctx, input: { event, source: 'retry' } });
}

export type { EventOutcome, EventSource } from './decide';
