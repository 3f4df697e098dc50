/**
 * @module Applying one Stripe event: the subscription is re-fetched so the state applied is always
 * Stripe's latest; the membership change, the processed-event record and any mail are written in
 * one batch that only lands if the membership row is still the version that was read.
 */
import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Config } from '../../../app/config';
import type { AppContext } from '../../../app/context';
import { type Db, preparedPerDatabase } from '../../../db/client';
import { type MembershipRow, membershipColumns, toMembership } from '../../../db/memberships';
import { memberships, outbox, readers, stripeEvents } from '../../../db/schema';
import {
  membershipAfterCustomerDeleted,
  membershipFromSubscription,
  type SubscriptionSnapshot,
} from '../../../domain/billing';
import type { Membership } from '../../../domain/membership';
import { epochSeconds, rfc3339, rfc3339OrNull, wholeSeconds } from '../../../domain/time';
import { freshCoalescer } from '../../../lib/coalesce';
import { oncePer } from '../../../lib/once-per';
import { mailRow } from '../../mail/outbox';
import { callStripe, idOf, isMissingResource, periodStart, toSnapshot } from '../stripe';

export const HANDLED_EVENT_TYPES = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.trial_will_end',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'invoice.paid',
  'invoice.payment_failed',
  'charge.refunded',
  'customer.deleted',
]);

export type EventOutcome = 'applied' | 'unchanged' | 'ignored' | 'unmatched' | 'duplicate';
export type EventSource = 'webhook' | 'reconcile';

interface Target {
  row: MembershipRow;
  email: string | null;
}

interface Change {
  target: Target | null;
  next: Membership | null;
  links?: {
    stripeCustomerId?: string | null;
    stripeSubscriptionId?: string | null;
    refundedThrough?: Date | null;
  };
  mails?: ReturnType<typeof mailRow>[];
}

const LIVE = new Set(['trialing', 'active', 'past_due']);

/** The membership (with the reader's email and deletion) behind a reader id or a Stripe customer. */
function membershipBy(db: Db, key: 'readerId' | 'stripeCustomerId') {
  return db
    .select({ row: memberships, email: readers.email, deletedAt: readers.deletedAt })
    .from(memberships)
    .innerJoin(readers, eq(readers.id, memberships.readerId))
    .where(eq(memberships[key], sql.placeholder('key')))
    .limit(1)
    .prepare();
}
const membershipByReader = preparedPerDatabase((db) => membershipBy(db, 'readerId'));
const membershipByCustomer = preparedPerDatabase((db) => membershipBy(db, 'stripeCustomerId'));

async function target(ctx: AppContext, by: { readerId?: string | null; customerId?: string | null }) {
  let found: { row: MembershipRow; email: string | null; deletedAt: Date | null } | undefined;
  if (by.readerId) [found] = await membershipByReader(ctx.db).all({ key: by.readerId });
  if (!found && by.customerId) [found] = await membershipByCustomer(ctx.db).all({ key: by.customerId });
  if (!found || found.deletedAt !== null) return null;
  return { row: found.row, email: found.email };
}

/** Per configuration (so per Stripe account): concurrent re-fetches of one subscription. */
const subscriptionFetches = oncePer((_config: Config) => freshCoalescer<Stripe.Subscription | null>());

/**
 * The subscription as Stripe has it now: read after this call was made, but shared with other
 * events about the same subscription that arrive while it is being read (src/lib/coalesce.ts).
 * Callers only read the object.
 */
async function fetchSubscription(ctx: AppContext, id: string): Promise<Stripe.Subscription | null> {
  return subscriptionFetches(ctx.config)(id, () =>
    callStripe(ctx, 'subscriptions.retrieve', async (stripe) => {
      try {
        return await stripe.subscriptions.retrieve(id);
      } catch (err) {
        if (isMissingResource(err)) return null;
        throw err;
      }
    }),
  );
}

/**
 * A customer can have had several subscriptions (canceled, then a new one). The membership follows
 * the live one; among equals, the newest. A late event about an old subscription changes nothing.
 */
async function governingSubscription(
  ctx: AppContext,
  eventSub: Stripe.Subscription,
  linkedId: string | null,
): Promise<Stripe.Subscription> {
  if (!linkedId || linkedId === eventSub.id) return eventSub;
  const linked = await fetchSubscription(ctx, linkedId);
  if (!linked) return eventSub;
  const rank = (s: Stripe.Subscription) => (LIVE.has(s.status) ? 2 : 1);
  if (rank(linked) !== rank(eventSub)) return rank(linked) > rank(eventSub) ? linked : eventSub;
  return linked.created > eventSub.created ? linked : eventSub;
}

/**
 * A Checkout finished after its account was deleted leaves a subscription nobody can use: it must
 * not bill anyone, so it is canceled at once (Stripe then sends its own deleted event).
 */
async function cancelIfReaderDeleted(
  ctx: AppContext,
  sub: Stripe.Subscription,
  readerId: string | null | undefined,
) {
  if (!readerId || !(LIVE.has(sub.status) || sub.status === 'incomplete')) return;
  const [row] = await ctx.db
    .select({ deletedAt: readers.deletedAt })
    .from(readers)
    .where(eq(readers.id, readerId))
    .limit(1);
  if (!row?.deletedAt) return;
  await callStripe(ctx, 'subscriptions.cancel', (stripe) => stripe.subscriptions.cancel(sub.id));
  ctx.logger.warn('canceled the subscription of a deleted account', {
    reader_id: readerId,
    subscription: sub.id,
  });
}

async function fromSubscription(
  ctx: AppContext,
  event: Stripe.Event,
  subscriptionId: string,
  hints: { readerId?: string | null; customerId?: string | null; failedAt?: Date | null },
): Promise<Change> {
  const fetched = await fetchSubscription(ctx, subscriptionId);
  if (!fetched) return { target: null, next: null };
  const readerId = hints.readerId ?? fetched.metadata?.reader_id;
  const t = await target(ctx, { readerId, customerId: hints.customerId ?? idOf(fetched.customer) });
  if (!t) {
    await cancelIfReaderDeleted(ctx, fetched, readerId);
    return { target: null, next: null };
  }
  const sub = await governingSubscription(ctx, fetched, t.row.stripeSubscriptionId);
  const snapshot: SubscriptionSnapshot = toSnapshot(ctx.config, sub);
  const current = toMembership(t.row);
  if (!current) return { target: t, next: null };
  const next = membershipFromSubscription(
    snapshot,
    current,
    { refundedThrough: t.row.refundedThrough },
    { now: ctx.now(), graceDays: ctx.config.graceDays, failedAt: hints.failedAt ?? null },
  );
  const mails: ReturnType<typeof mailRow>[] = [];
  if (event.type === 'customer.subscription.trial_will_end' && snapshot.status === 'trialing') {
    mails.push(
      mailRow(ctx, {
        dedupeKey: `trial_will_end:${sub.id}:${sub.trial_end ?? ''}`,
        readerId: t.row.readerId,
        to: t.email,
        template: 'trial_will_end',
        payload: {
          trial_end: sub.trial_end ? rfc3339(new Date(sub.trial_end * 1000)) : null,
          plan: snapshot.plan,
        },
      }),
    );
  }
  if (event.type === 'invoice.payment_failed' && next?.status === 'past_due') {
    mails.push(
      mailRow(ctx, {
        dedupeKey: `payment_failed:${event.id}`,
        readerId: t.row.readerId,
        to: t.email,
        template: 'payment_failed',
        payload: {
          grace_until: rfc3339OrNull(next.graceUntil),
          manage_url: `${ctx.config.publicUrl}/account`,
        },
      }),
    );
  }
  return {
    target: t,
    next,
    links: { stripeCustomerId: snapshot.customerId || t.row.stripeCustomerId, stripeSubscriptionId: sub.id },
    mails,
  };
}

async function fromRefund(ctx: AppContext, event: Stripe.Event, charge: Stripe.Charge): Promise<Change> {
  const t = await target(ctx, { customerId: idOf(charge.customer) });
  if (!t) return { target: null, next: null };
  const fullyRefunded = charge.refunded || charge.amount_refunded >= charge.amount;
  const subscriptionId = charge.metadata?.subscription || t.row.stripeSubscriptionId;
  if (!fullyRefunded || !subscriptionId) return { target: t, next: null };
  const sub = await fetchSubscription(ctx, subscriptionId);
  if (!sub) return { target: t, next: null };
  const start = periodStart(sub);
  // Only the payment for the current period ends the entitlement; a refund of an older one does not.
  const latest = start === null || charge.created * 1000 >= start.getTime() - 86_400_000;
  const current = toMembership(t.row);
  if (!latest || !current) return { target: t, next: null };
  const snapshot = toSnapshot(ctx.config, sub);
  const refundedThrough = snapshot.currentPeriodEnd ?? wholeSeconds(ctx.now());
  const next = membershipFromSubscription(
    snapshot,
    current,
    { refundedThrough },
    { now: ctx.now(), graceDays: ctx.config.graceDays },
  );
  ctx.logger.info('full refund ends entitlement', { reader_id: t.row.readerId, event_id: event.id });
  return { target: t, next, links: { refundedThrough } };
}

async function changeFor(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  const object = event.data.object;
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = object as Stripe.Checkout.Session;
      const subscriptionId = idOf(session.subscription);
      if (!subscriptionId) return { target: null, next: null };
      return fromSubscription(ctx, event, subscriptionId, {
        readerId: session.client_reference_id ?? session.metadata?.reader_id,
        customerId: idOf(session.customer),
      });
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
    case 'customer.subscription.trial_will_end':
    case 'customer.subscription.paused':
    case 'customer.subscription.resumed': {
      const sub = object as Stripe.Subscription;
      return fromSubscription(ctx, event, sub.id, {
        readerId: sub.metadata?.reader_id,
        customerId: idOf(sub.customer),
      });
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = object as Stripe.Invoice;
      const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
      if (!subscriptionId) return { target: null, next: null };
      return fromSubscription(ctx, event, subscriptionId, {
        customerId: idOf(invoice.customer),
        failedAt: event.type === 'invoice.payment_failed' ? new Date(event.created * 1000) : null,
      });
    }
    case 'charge.refunded':
      return fromRefund(ctx, event, object as Stripe.Charge);
    case 'customer.deleted': {
      const t = await target(ctx, { customerId: (object as Stripe.Customer).id });
      const current = t && toMembership(t.row);
      if (!t || !current) return { target: null, next: null };
      return {
        target: t,
        next: membershipAfterCustomerDeleted(current, ctx.now()),
        links: { stripeCustomerId: null, stripeSubscriptionId: null },
      };
    }
    default:
      return { target: null, next: null };
  }
}

function same(a: Membership, b: Membership): boolean {
  return JSON.stringify(membershipColumns(a)) === JSON.stringify(membershipColumns(b));
}

const processedEvent = preparedPerDatabase((db) =>
  db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, sql.placeholder('id')))
    .limit(1)
    .prepare(),
);

async function alreadyProcessed(ctx: AppContext, eventId: string): Promise<boolean> {
  const [row] = await processedEvent(ctx.db).all({ id: eventId });
  return row !== undefined;
}

/**
 * Applies an event once. Returns `duplicate` for an event id already processed. Throws (→ 5xx, so
 * Stripe retries) when Stripe or the database fails.
 */
export async function applyStripeEvent(
  ctx: AppContext,
  event: Stripe.Event,
  source: EventSource,
): Promise<EventOutcome> {
  if (!HANDLED_EVENT_TYPES.has(event.type)) return 'ignored';
  for (let attempt = 0; attempt < 4; attempt++) {
    if (await alreadyProcessed(ctx, event.id)) return 'duplicate';
    const change = await changeFor(ctx, event);
    const now = wholeSeconds(ctx.now());
    const before = change.target?.row ?? null;
    const current = toMembership(before);
    const changed =
      before !== null &&
      current !== null &&
      ((change.next !== null && !same(current, change.next)) ||
        (change.links !== undefined &&
          Object.entries(change.links).some(([k, v]) => {
            const old = before[k as keyof MembershipRow];
            return (old instanceof Date ? old.getTime() : old) !== (v instanceof Date ? v.getTime() : v);
          })));
    const outcome: Exclude<EventOutcome, 'ignored' | 'duplicate'> = !before
      ? 'unmatched'
      : changed
        ? 'applied'
        : 'unchanged';
    const record = {
      id: event.id,
      type: event.type,
      stripeCreatedAt: new Date(event.created * 1000),
      readerId: before?.readerId ?? null,
      outcome,
      statusBefore: current?.status ?? null,
      statusAfter: (change.next ?? current)?.status ?? null,
      source,
      processedAt: now,
    } satisfies typeof stripeEvents.$inferInsert;

    if (!before || !changed) {
      await ctx.db.batch([
        ctx.db.insert(stripeEvents).values(record).onConflictDoNothing(),
        ...(change.mails ?? []).map((m) => ctx.db.insert(outbox).values(m).onConflictDoNothing()),
      ]);
      return outcome;
    }

    const version = before.version;
    // True only if *this* write produced the new version (not a concurrent write of another event).
    const landed = sql`exists (select 1 from ${memberships} where ${memberships.readerId} = ${before.readerId} and ${memberships.version} = ${version + 1} and ${memberships.lastEventId} = ${event.id})`;
    await ctx.db.batch([
      ctx.db
        .update(memberships)
        .set({
          ...(change.next ? membershipColumns(change.next) : {}),
          ...change.links,
          version: version + 1,
          lastEventId: event.id,
          updatedAt: now,
        })
        .where(
          sql`${memberships.readerId} = ${before.readerId} and ${memberships.version} = ${version} and not exists (select 1 from ${stripeEvents} where ${stripeEvents.id} = ${event.id})`,
        ),
      // Raw selects (in the tables' column order) make the inserts conditional on our own write.
      ctx.db
        .insert(stripeEvents)
        .select(
          sql`select ${record.id}, ${record.type}, ${epochSeconds(record.stripeCreatedAt)}, ${record.readerId}, ${record.outcome}, ${record.statusBefore}, ${record.statusAfter}, ${record.source}, ${epochSeconds(now)} where ${landed}`,
        )
        .onConflictDoNothing(),
      ...(change.mails ?? []).map((m) =>
        ctx.db
          .insert(outbox)
          .select(
            sql`select ${m.id}, ${m.dedupeKey}, ${m.readerId}, ${m.toAddress}, ${m.template}, ${JSON.stringify(m.payload)}, 'pending', 0, ${epochSeconds(now)}, null, ${epochSeconds(now)}, null where ${landed}`,
          )
          .onConflictDoNothing(),
      ),
    ]);
    if (await alreadyProcessed(ctx, event.id)) return outcome;
    // Another event moved the membership on between our read and our write: read again and retry.
    ctx.logger.info('stripe event raced another update; retrying', { event_id: event.id, attempt });
  }
  throw new Error(`could not apply ${event.id} after repeated concurrent updates`);
}
