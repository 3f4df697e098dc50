/**
 * @module Reconciliation: re-applies Stripe's recent events that were never processed, in the order
 * Stripe created them, through the same code path as the webhook, so a webhook that never arrived
 * heals; then applies again the events held for a subject that had not appeared. Idempotent
 * (processed events are skipped), resumable (the position is stored after every slice of time) and
 * bounded (at most `maxEvents` listed per run).
 *
 * Stripe lists events newest first. To apply them oldest first, the window is walked in slices of
 * time: each slice is read whole, then applied in reverse; a slice too full for the run's budget is
 * halved, a quiet one lets the next grow.
 */
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { UseCase } from '../../app/context';
import { jobState } from '../../db/schema';
import { epochSeconds, wholeSeconds } from '../../domain/time';
import { callStripe } from './stripe';
import { applyStripeEvent } from './webhook/apply';
import { HANDLED_EVENT_TYPES } from './webhook/handlers';
import { allHeld, expireHeld } from './webhook/pending';

const JOB = 'stripe_reconcile';
/** How far back the first run looks: all that Stripe keeps (events are kept for 30 days). */
export const FIRST_WINDOW_SECONDS = 30 * 86_400;
/** Each pass starts a little before the previous one ended, to catch events Stripe listed late. */
const OVERLAP_SECONDS = 15 * 60;
const PAGE_SIZE = 100;
const FIRST_SLICE_SECONDS = 3600;
const MAX_SLICE_SECONDS = 7 * 86_400;

export interface ReconcileResult {
  /** Events listed in this run. */
  scanned: number;
  /** Events that had not been processed and were applied (or held) now. */
  applied: number;
  /** True when the pass reached the present; false when the run's budget ran out first. */
  complete: boolean;
  /** Unix seconds: where this run started in Stripe's event history. */
  window_start: number;
  /** Held events (that matched no membership when they arrived) applied again in this run. */
  held_retried: number;
}

/** Every event created in `[from, to)`, in Stripe's order (newest first); null when over `budget`. */
async function eventsBetween(
  ctx: UseCase['ctx'],
  from: number,
  to: number,
  budget: number,
): Promise<Stripe.Event[] | null> {
  const events: Stripe.Event[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page: Stripe.ApiList<Stripe.Event> = await callStripe(ctx, 'events.list', (stripe) =>
      stripe.events.list({
        created: { gte: from, lt: to },
        limit: PAGE_SIZE,
        ...(cursor ? { starting_after: cursor } : {}),
      }),
    );
    events.push(...page.data);
    if (events.length > budget) return null;
    if (!page.has_more || page.data.length === 0) return events;
    cursor = page.data.at(-1)?.id;
  }
}

export async function reconcileStripe({
  ctx,
  input,
}: UseCase<{ maxEvents?: number | undefined }>): Promise<ReconcileResult> {
  const maxEvents = input.maxEvents ?? 1000;
  const now = wholeSeconds(ctx.now());
  const end = epochSeconds(now) + 1;
  const [state] = await ctx.db.select().from(jobState).where(eq(jobState.name, JOB)).limit(1);
  const windowStart = state?.windowStart ?? end - FIRST_WINDOW_SECONDS;
  const save = (position: number, result: Record<string, unknown>) =>
    ctx.db
      .insert(jobState)
      .values({ name: JOB, windowStart: position, lastRunAt: now, lastResult: result })
      .onConflictDoUpdate({
        target: jobState.name,
        set: { cursor: null, windowStart: position, lastRunAt: now, lastResult: result },
      });

  let scanned = 0;
  let applied = 0;
  let from = windowStart;
  let span = FIRST_SLICE_SECONDS;
  while (from < end) {
    const to = Math.min(from + span, end);
    // A one-second slice is read whole whatever its size: Stripe's order within a second is only
    // known once all of it is read, and a bulk change can put hundreds of events in one second.
    const events = await eventsBetween(
      ctx,
      from,
      to,
      span === 1 ? Number.POSITIVE_INFINITY : maxEvents - scanned,
    );
    if (events === null) {
      span = Math.max(1, Math.floor(span / 2));
      continue;
    }
    scanned += events.length;
    for (const event of events.reverse()) {
      if (!HANDLED_EVENT_TYPES.has(event.type)) continue;
      const outcome = await applyStripeEvent({ ctx, input: { event, source: 'reconcile' } });
      if (outcome !== 'duplicate' && outcome !== 'ignored') applied++;
    }
    from = to;
    await save(from, { scanned, applied, window_start: windowStart });
    if (events.length * 4 < maxEvents - scanned) span = Math.min(span * 2, MAX_SLICE_SECONDS);
    if (scanned >= maxEvents) break;
  }
  const complete = from >= end;

  let heldRetried = 0;
  for (const event of await allHeld(ctx)) {
    await applyStripeEvent({ ctx, input: { event, source: 'reconcile' } });
    heldRetried++;
  }
  await expireHeld(ctx);

  const result = { scanned, applied, complete, window_start: windowStart, held_retried: heldRetried };
  // A complete pass leaves the next one to start a little before the present.
  await save(complete ? end - OVERLAP_SECONDS : from, result);
  ctx.logger.info('stripe reconciliation', result);
  return result;
}
