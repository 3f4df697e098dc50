/**
 * @module Writing an applied event: the membership change, the processed-event record and any mail
 * in one batch that lands only if the membership row is still the version that was read.
 */
import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../../app/context';
import { bound, placeholderRow, rowValues } from '../../../db/bound';
import { preparedPerDatabase } from '../../../db/client';
import { insertIf } from '../../../db/insert-if';
import { membershipColumns, toMembership } from '../../../db/memberships';
import { memberships, outbox, stripeEvents, stripePendingEvents } from '../../../db/schema';
import { endedByChange, sendWebhooksSoon } from '../../webhooks';
import type { Decision } from './decide';
import type { Change } from './handlers';

const ph = sql.placeholder;

/** Whether this batch's own versioned update landed: the row is at the next version, marked with the event. */
function landedSql(readerId: unknown, nextVersion: unknown, eventId: unknown) {
  return sql`exists (select 1 from ${memberships} where ${memberships.readerId} = ${readerId} and ${memberships.version} = ${nextVersion} and ${memberships.lastEventId} = ${eventId})`;
}
/** The landed condition of the bound statements below, bound from `landedReader`, `landedVersion`, `eventId`. */
const landed = () => landedSql(ph('landedReader'), ph('landedVersion'), ph('eventId'));

// The statements of every processed event, built once per database (src/db/bound.ts).
const recordEvent = bound((db) =>
  db
    .insert(stripeEvents)
    .values(placeholderRow(stripeEvents))
    .onConflictDoNothing()
    .returning({ id: stripeEvents.id }),
);
const queueMail = bound((db) => db.insert(outbox).values(placeholderRow(outbox)).onConflictDoNothing());
const recordEventIfLanded = bound((db) => insertIf(db, stripeEvents, placeholderRow(stripeEvents), landed()));
const queueMailIfLanded = bound((db) => insertIf(db, outbox, placeholderRow(outbox), landed()));
/** Drops the event from the held ones (src/features/billing/webhook/pending.ts), in the batch that processes it. */
const releaseEvent = bound((db) =>
  db.delete(stripePendingEvents).where(eq(stripePendingEvents.id, ph('eventId'))),
);
const releaseEventIfLanded = bound((db) =>
  db.delete(stripePendingEvents).where(sql`${stripePendingEvents.id} = ${ph('eventId')} and ${landed()}`),
);
/** The versioned update; its shape is the list of columns it sets, each bound from its own name. */
const updateMembership = bound((db, shape) =>
  db
    .update(memberships)
    .set(Object.fromEntries(shape.split(',').map((key) => [key, ph(key)])))
    .where(
      sql`${memberships.readerId} = ${ph('whereReader')} and ${memberships.version} = ${ph('whereVersion')} and not exists (select 1 from ${stripeEvents} where ${stripeEvents.id} = ${ph('eventId')})`,
    )
    .returning({ version: memberships.version }),
);

/**
 * Records an event that changes no membership (unmatched or unchanged), with its mail (deduplicated
 * by its key). Returns false when a concurrent delivery of the same event recorded it first: then
 * this delivery is the duplicate.
 */
export async function commitRecordOnly(
  ctx: AppContext,
  change: Change,
  decision: Decision,
): Promise<boolean> {
  const [recorded] = await ctx.db.batch([
    recordEvent(ctx.db, rowValues(stripeEvents, decision.record)),
    ...(change.mails ?? []).map((m) => queueMail(ctx.db, rowValues(outbox, m))),
    releaseEvent(ctx.db, { eventId: decision.record.id }),
  ]);
  return recorded.length > 0;
}

/**
 * Writes the change if the row is still at the version read and the event not yet processed. The
 * record and mail are inserted only when *this* update produced the next version (marked with the
 * event id), so a concurrent write of another event leaves no trace of this one. Returns `landed`
 * when this write applied the event, `duplicate` when a concurrent delivery of the same event did,
 * `raced` when another event moved the membership on first (read again and retry).
 */
export async function commitChange(
  ctx: AppContext,
  change: Change,
  decision: Decision & { before: NonNullable<Decision['before']> },
): Promise<'landed' | 'duplicate' | 'raced'> {
  const { before, record } = decision;
  const eventId = record.id;
  const version = before.version;
  const landing = { landedReader: before.readerId, landedVersion: version + 1, eventId };
  // Publishers hear of an access the event ends (a subscription deleted, a refund).
  const ended = change.next
    ? endedByChange(ctx, {
        readerId: before.readerId,
        before: toMembership(before),
        after: change.next,
        reason: record.type === 'charge.refunded' ? 'refunded' : 'canceled',
        cause: `stripe:${eventId}`,
        condition: landedSql(before.readerId, version + 1, eventId),
      })
    : [];
  // A link left undefined leaves its column alone, as in drizzle's own `set`.
  const set = Object.fromEntries(
    Object.entries({
      ...(change.next ? membershipColumns(change.next) : {}),
      ...change.links,
      version: version + 1,
      lastEventId: eventId,
      updatedAt: record.processedAt,
    }).filter(([, value]) => value !== undefined),
  );
  const [updated] = await ctx.db.batch([
    updateMembership(
      ctx.db,
      { ...set, whereReader: before.readerId, whereVersion: version, eventId },
      Object.keys(set).join(','),
    ),
    recordEventIfLanded(ctx.db, { ...rowValues(stripeEvents, record), ...landing }),
    ...(change.mails ?? []).map((m) => queueMailIfLanded(ctx.db, { ...rowValues(outbox, m), ...landing })),
    releaseEventIfLanded(ctx.db, landing),
    ...ended,
  ]);
  if (updated.length > 0) {
    // Only a change that wrote messages has any to send; the scheduled run covers the rest.
    if (ended.length > 0) sendWebhooksSoon(ctx);
    return 'landed';
  }
  return (await isProcessed(ctx, eventId)) ? 'duplicate' : 'raced';
}

const processedEvent = preparedPerDatabase((db) =>
  db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, sql.placeholder('id')))
    .limit(1)
    .prepare(),
);

/** Whether an event id has been processed (its record exists). */
export async function isProcessed(ctx: AppContext, eventId: string): Promise<boolean> {
  const row = await processedEvent(ctx.db).get({ id: eventId });
  return row !== undefined;
}
