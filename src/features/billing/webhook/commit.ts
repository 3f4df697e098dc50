/**
 * @module Writing an applied event: the membership change, the processed-event record and any mail
 * in one batch that lands only if the membership row is still the version that was read.
 */
import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../../app/context';
import { preparedPerDatabase } from '../../../db/client';
import { insertIf } from '../../../db/insert-if';
import { membershipColumns, toMembership } from '../../../db/memberships';
import { memberships, outbox, stripeEvents } from '../../../db/schema';
import { endedByChange, sendWebhooksSoon } from '../../webhooks';
import type { Decision } from './decide';
import type { Change } from './handlers';
import { releaseEvent } from './pending';

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
    ctx.db
      .insert(stripeEvents)
      .values(decision.record)
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id }),
    ...(change.mails ?? []).map((m) => ctx.db.insert(outbox).values(m).onConflictDoNothing()),
    releaseEvent(ctx, decision.record.id),
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
  const now = record.processedAt;
  const version = before.version;
  const landed = sql`exists (select 1 from ${memberships} where ${memberships.readerId} = ${before.readerId} and ${memberships.version} = ${version + 1} and ${memberships.lastEventId} = ${eventId})`;
  // Publishers hear of an access the event ends (a subscription deleted, a refund).
  const ended = change.next
    ? endedByChange(ctx, {
        readerId: before.readerId,
        before: toMembership(before),
        after: change.next,
        reason: record.type === 'charge.refunded' ? 'refunded' : 'canceled',
        cause: `stripe:${eventId}`,
        condition: landed,
      })
    : [];
  const [updated] = await ctx.db.batch([
    ctx.db
      .update(memberships)
      .set({
        ...(change.next ? membershipColumns(change.next) : {}),
        ...change.links,
        version: version + 1,
        lastEventId: eventId,
        updatedAt: now,
      })
      .where(
        sql`${memberships.readerId} = ${before.readerId} and ${memberships.version} = ${version} and not exists (select 1 from ${stripeEvents} where ${stripeEvents.id} = ${eventId})`,
      )
      .returning({ version: memberships.version }),
    insertIf(ctx.db, stripeEvents, record, landed),
    ...(change.mails ?? []).map((m) => insertIf(ctx.db, outbox, m, landed)),
    releaseEvent(ctx, eventId, landed),
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
