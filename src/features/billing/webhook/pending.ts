/**
 * @module Events held until their subject appears: an event that matches no membership yet is kept
 * (not recorded as processed) with the Stripe customer and subscription it is about, and applied
 * again when a membership gets linked to one of them, or at a reconciliation. One too old to match
 * any more is recorded `unmatched` for good.
 */
import { asc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { AppContext } from '../../../app/context';
import { stripeEvents, stripePendingEvents } from '../../../db/schema';
import { wholeSeconds } from '../../../domain/time';

/** Stripe retries a webhook for three days; an event no membership matched in that time never will. */
export const PENDING_TTL_SECONDS = 3 * 86_400;
/** Held events applied again per subject or per reconciliation, at most. */
const RETRY_BATCH = 100;

/** Keeps (or keeps again) an event that matched nothing yet. */
export async function holdEvent(
  ctx: AppContext,
  event: Stripe.Event,
  subject: { customerId: string | null; subscriptionId: string | null },
): Promise<void> {
  await ctx.db
    .insert(stripePendingEvents)
    .values({
      id: event.id,
      type: event.type,
      stripeCreatedAt: new Date(event.created * 1000),
      customerId: subject.customerId,
      subscriptionId: subject.subscriptionId,
      payload: event as unknown as Record<string, unknown>,
      firstSeenAt: wholeSeconds(ctx.now()),
    })
    .onConflictDoUpdate({
      target: stripePendingEvents.id,
      set: { attempts: sql`${stripePendingEvents.attempts} + 1` },
    });
}

/** Held events about any of these customers or subscriptions, oldest first (Stripe's creation order). */
export async function heldFor(
  ctx: AppContext,
  subjects: { customerIds: string[]; subscriptionIds: string[] },
): Promise<Stripe.Event[]> {
  if (subjects.customerIds.length === 0 && subjects.subscriptionIds.length === 0) return [];
  const rows = await ctx.db
    .select({ payload: stripePendingEvents.payload })
    .from(stripePendingEvents)
    .where(
      or(
        subjects.customerIds.length > 0
          ? inArray(stripePendingEvents.customerId, subjects.customerIds)
          : undefined,
        subjects.subscriptionIds.length > 0
          ? inArray(stripePendingEvents.subscriptionId, subjects.subscriptionIds)
          : undefined,
      ),
    )
    .orderBy(asc(stripePendingEvents.stripeCreatedAt), asc(stripePendingEvents.id))
    .limit(RETRY_BATCH);
  return rows.map((row) => row.payload as unknown as Stripe.Event);
}

/** Every held event, oldest first, for reconciliation to apply again. */
export async function allHeld(ctx: AppContext): Promise<Stripe.Event[]> {
  const rows = await ctx.db
    .select({ payload: stripePendingEvents.payload })
    .from(stripePendingEvents)
    .orderBy(asc(stripePendingEvents.stripeCreatedAt), asc(stripePendingEvents.id))
    .limit(RETRY_BATCH);
  return rows.map((row) => row.payload as unknown as Stripe.Event);
}

/** Records held events older than the TTL as `unmatched` for good, and drops them. Returns how many. */
export async function expireHeld(ctx: AppContext): Promise<number> {
  const now = wholeSeconds(ctx.now());
  const cutoff = new Date(now.getTime() - PENDING_TTL_SECONDS * 1000);
  const stale = await ctx.db
    .select({
      id: stripePendingEvents.id,
      type: stripePendingEvents.type,
      created: stripePendingEvents.stripeCreatedAt,
    })
    .from(stripePendingEvents)
    .where(lt(stripePendingEvents.firstSeenAt, cutoff))
    .limit(RETRY_BATCH);
  for (const row of stale) {
    await ctx.db.batch([
      ctx.db
        .insert(stripeEvents)
        .values({
          id: row.id,
          type: row.type,
          stripeCreatedAt: row.created,
          readerId: null,
          outcome: 'unmatched',
          statusBefore: null,
          statusAfter: null,
          source: 'reconcile',
          processedAt: now,
        })
        .onConflictDoNothing(),
      ctx.db.delete(stripePendingEvents).where(eq(stripePendingEvents.id, row.id)),
    ]);
  }
  return stale.length;
}
