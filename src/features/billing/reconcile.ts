/**
 * @module Reconciliation: pages through Stripe's recent events and re-applies the ones we never
 * processed, through the same code path as the webhook, so a webhook that never arrived heals.
 * Idempotent (processed events are skipped), resumable (the cursor is stored after every page)
 * and bounded (at most `maxEvents` per run).
 */
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { UseCase } from '../../app/context';
import { jobState } from '../../db/schema';
import { epochSeconds, wholeSeconds } from '../../domain/time';
import { callStripe } from './stripe';
import { applyStripeEvent } from './webhook/apply';
import { HANDLED_EVENT_TYPES } from './webhook/handlers';

const JOB = 'stripe_reconcile';
/** How far back the first run looks: all that Stripe keeps (events are kept for 30 days). */
export const FIRST_WINDOW_SECONDS = 30 * 86_400;
/** Each pass starts a little before the previous one did, to catch events created during it. */
const OVERLAP_SECONDS = 15 * 60;
const PAGE_SIZE = 100;

export interface ReconcileResult {
  /** Events examined in this run. */
  scanned: number;
  /** Events that had not been processed and were applied now. */
  applied: number;
  /** True when the pass reached the end of the window; false when the run's budget ran out first. */
  complete: boolean;
  /** Unix seconds: the start of the window this pass covers. */
  window_start: number;
}

export async function reconcileStripe({
  ctx,
  input,
}: UseCase<{ maxEvents?: number | undefined }>): Promise<ReconcileResult> {
  const maxEvents = input.maxEvents ?? 1000;
  const now = wholeSeconds(ctx.now());
  const nowSeconds = epochSeconds(now);
  const [state] = await ctx.db.select().from(jobState).where(eq(jobState.name, JOB)).limit(1);
  const resuming = state?.cursor != null;
  const windowStart = state?.windowStart ?? nowSeconds - FIRST_WINDOW_SECONDS;
  // A new pass remembers when it began, so the next pass can start there (minus the overlap).
  const passStart = resuming ? Number(state?.lastResult?.pass_started_at ?? nowSeconds) : nowSeconds;
  let cursor = state?.cursor ?? undefined;
  let scanned = 0;
  let applied = 0;
  let complete = false;

  const save = (values: Partial<typeof jobState.$inferInsert>) =>
    ctx.db
      .insert(jobState)
      .values({ name: JOB, ...values })
      .onConflictDoUpdate({ target: jobState.name, set: values });

  while (scanned < maxEvents) {
    const page: Stripe.ApiList<Stripe.Event> = await callStripe(ctx, 'events.list', (stripe) =>
      stripe.events.list({
        created: { gte: windowStart },
        limit: Math.min(PAGE_SIZE, maxEvents - scanned),
        ...(cursor ? { starting_after: cursor } : {}),
      }),
    );
    for (const event of page.data) {
      scanned++;
      if (!HANDLED_EVENT_TYPES.has(event.type)) continue;
      const outcome = await applyStripeEvent({ ctx, input: { event, source: 'reconcile' } });
      if (outcome !== 'duplicate' && outcome !== 'ignored') applied++;
    }
    cursor = page.data.at(-1)?.id ?? cursor;
    if (!page.has_more || page.data.length === 0) {
      complete = true;
      break;
    }
    await save({
      cursor,
      windowStart,
      lastRunAt: now,
      lastResult: { pass_started_at: passStart, scanned, applied },
    });
  }

  const result = { scanned, applied, complete, window_start: windowStart };
  await save(
    complete
      ? {
          cursor: null,
          windowStart: passStart - OVERLAP_SECONDS,
          lastRunAt: now,
          lastResult: { ...result, pass_started_at: passStart },
        }
      : {
          cursor: cursor ?? null,
          windowStart,
          lastRunAt: now,
          lastResult: { ...result, pass_started_at: passStart },
        },
  );
  ctx.logger.info('stripe reconciliation', result);
  return result;
}
