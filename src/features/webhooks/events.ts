/**
 * @module The rows that announce an event: built by the feature that makes the change and put in
 * the same `db.batch`, so an event exists exactly when its change does. One message per event
 * and publisher (only publishers with an endpoint get one), fanned out to endpoints when sent.
 */
import { inArray, type SQL, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { newId } from '../../db/ids';
import { pairwiseSubjects, publishers, seats, webhookEndpoints, webhookMessages } from '../../db/schema';
import { entitlementOf, type Membership } from '../../domain/membership';
import { epochSeconds, rfc3339, wholeSeconds } from '../../domain/time';
import type { EntitlementEndedReason, WebhookEventType } from '../../domain/webhooks';

/** A message id, as SQL (the `webhook-id`): `whm_` and 20 random hex digits. */
const sqlMessageId = sql`'whm_' || lower(hex(randomblob(10)))`;

const hasEndpoint = (publisherId: SQL | unknown) =>
  sql`exists (select 1 from ${webhookEndpoints} where ${webhookEndpoints.publisherId} = ${publisherId})`;

/** The JSON body `{type, timestamp, data}` as SQL, `data` given as an SQL `json_object(…)`. */
function sqlBody(type: WebhookEventType, now: Date, data: SQL): SQL {
  return sql`json_object('type', ${type}, 'timestamp', ${rfc3339(now)}, 'data', ${data})`;
}

/**
 * `entitlement.ended` for a reader (and the members of the seats they pay for), to each publisher
 * that knows them by a pairwise `sub`. Put it
 * BEFORE anything in the batch that deletes `pairwise_subjects` (an account deletion). `cause`
 * makes the dedupe key (one announcement per cause: an event id, an audit id, an end time); the
 * reader id is not kept with the message. `condition` makes it conditional, like `insertIf`.
 */
export function entitlementEndedRows(
  ctx: AppContext,
  input: { readerId: string; reason: EntitlementEndedReason; cause: string; condition?: SQL },
) {
  const now = wholeSeconds(ctx.now());
  // The owner's seat members lose access with the owner (their own sessions and tokens are theirs:
  // a revocation is not passed on); to their publishers the seat was cancelled.
  const members =
    input.reason === 'revoked'
      ? sql`0`
      : sql`${pairwiseSubjects.readerId} in (select ${seats.memberReaderId} from ${seats} where ${seats.ownerReaderId} = ${input.readerId})`;
  const reason = sql`case when ${pairwiseSubjects.readerId} = ${input.readerId} then ${input.reason} else 'canceled' end`;
  const data = sql`json_object('sub', ${pairwiseSubjects.subject}, 'reason', ${reason})`;
  return ctx.db
    .insert(webhookMessages)
    .select(
      sql`select ${sqlMessageId}, ${pairwiseSubjects.publisherId}, 'entitlement.ended', ${sqlBody('entitlement.ended', now, data)},
        'entitlement.ended:' || ${pairwiseSubjects.publisherId} || ':' || ${pairwiseSubjects.subject} || ':' || ${input.cause},
        0, ${epochSeconds(now)}
      from ${pairwiseSubjects}
      where (${pairwiseSubjects.readerId} = ${input.readerId} or ${members}) and ${hasEndpoint(pairwiseSubjects.publisherId)}
      ${input.condition ? sql`and ${input.condition}` : sql``}`,
    )
    .onConflictDoNothing();
}

/**
 * The `entitlement.ended` rows of a membership change: none unless the reader was entitled before
 * and is not after (at the time of the change).
 */
export function endedByChange(
  ctx: AppContext,
  input: {
    readerId: string;
    before: Membership | null;
    after: Membership | null;
    reason: EntitlementEndedReason;
    cause: string;
    condition?: SQL;
  },
) {
  const now = ctx.now();
  if (!entitlementOf(input.before, now).entitled || entitlementOf(input.after, now).entitled) return [];
  return [entitlementEndedRows(ctx, input)];
}

/** A message to every publisher with an endpoint (`keys.rotating`), or to those named. */
export function broadcastRows(
  ctx: AppContext,
  input: {
    type: WebhookEventType;
    data: Record<string, unknown>;
    dedupeKey: string;
    publisherIds?: string[];
  },
) {
  const now = wholeSeconds(ctx.now());
  const body = JSON.stringify({ type: input.type, timestamp: rfc3339(now), data: input.data });
  return ctx.db
    .insert(webhookMessages)
    .select(
      sql`select ${sqlMessageId}, ${publishers.id}, ${input.type}, ${body}, ${input.dedupeKey} || ':' || ${publishers.id}, 0, ${epochSeconds(now)}
      from ${publishers} where ${hasEndpoint(publishers.id)}
      ${input.publisherIds ? sql`and ${inArray(publishers.id, input.publisherIds.length ? input.publisherIds : [''])}` : sql``}`,
    )
    .onConflictDoNothing();
}

/**
 * The rows announcing a payout statement (`statement.published`, `data: {id, month, currency,
 * url}`) to each publisher with a line in it; put them in the batch that publishes it.
 *
 * @example
 * ```ts
 * await ctx.db.batch([insertStatement, statementPublishedRows(ctx, { id, month: '2026-11', currency: 'eur', url, publisherIds })]);
 * ```
 */
export function statementPublishedRows(
  ctx: AppContext,
  input: { id: string; month: string; currency: string; url: string; publisherIds: string[] },
) {
  return broadcastRows(ctx, {
    type: 'statement.published',
    data: { id: input.id, month: input.month, currency: input.currency, url: input.url },
    dedupeKey: `statement.published:${input.id}`,
    publisherIds: input.publisherIds,
  });
}

/** A message row built in code (a `test` event), with its body. */
export function messageRow(
  ctx: AppContext,
  input: { publisherId: string; type: WebhookEventType; data: Record<string, unknown>; dedupeKey?: string },
): typeof webhookMessages.$inferInsert {
  const now = wholeSeconds(ctx.now());
  const id = newId('webhookMessage');
  return {
    id,
    publisherId: input.publisherId,
    type: input.type,
    body: JSON.stringify({ type: input.type, timestamp: rfc3339(now), data: input.data }),
    dedupeKey: input.dedupeKey ?? id,
    fannedOut: false,
    createdAt: now,
  };
}
