/**
 * @module An endpoint's deliveries with their attempts, a redelivery now, and the `test` event; and
 * the operator's view of webhook health per publisher.
 */
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { afterCursor, decodeCursor, type Page, pageFromRows } from '../../db/pages';
import {
  publishers,
  type WebhookDeliveryStatus,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  webhookMessages,
} from '../../db/schema';
import { rfc3339, rfc3339OrNull, wholeSeconds } from '../../domain/time';
import { auditEntry } from '../audit';
import type { PublisherPrincipal } from '../publishers';
import { attemptDelivery, deliveryRow, sendWebhooksSoon } from './dispatch';
import { endpointOf } from './endpoints';
import { messageRow } from './events';

export interface Attempt {
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response: string | null;
}

export interface Delivery {
  id: string;
  message_id: string;
  type: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  created_at: string;
  /** The JSON body sent, byte for byte. */
  payload: string;
  attempt_log: Attempt[];
}

async function presentDeliveries(ctx: AppContext, ids: string[]): Promise<Delivery[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select({ d: webhookDeliveries, type: webhookMessages.type, body: webhookMessages.body })
    .from(webhookDeliveries)
    .innerJoin(webhookMessages, eq(webhookMessages.id, webhookDeliveries.messageId))
    .where(inArray(webhookDeliveries.id, ids));
  const attempts = await ctx.db
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, ids))
    .orderBy(desc(webhookAttempts.startedAt), sql`${webhookAttempts}.rowid desc`);
  const byId = new Map(rows.map((r) => [r.d.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const { d } = row;
    return [
      {
        id: d.id,
        message_id: d.messageId,
        type: row.type,
        status: d.status,
        attempts: d.attempts,
        next_attempt_at: d.status === 'pending' ? rfc3339OrNull(d.nextAttemptAt) : null,
        created_at: rfc3339(d.createdAt),
        payload: row.body,
        attempt_log: attempts
          .filter((a) => a.deliveryId === id)
          .map((a) => ({
            started_at: rfc3339(a.startedAt),
            duration_ms: a.durationMs,
            status_code: a.statusCode,
            error: a.error,
            response: a.response,
          })),
      },
    ];
  });
}

/** The messages sent to one endpoint, newest first, each with its attempts. */
export async function listDeliveries({
  ctx,
  principal,
  input,
}: UseCase<{ endpointId: string; limit: number; cursor?: string | undefined }, PublisherPrincipal>): Promise<
  Page<Delivery>
> {
  const endpoint = await endpointOf(ctx, principal.publisherId, input.endpointId);
  const cursor = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select({ id: webhookDeliveries.id, createdAt: webhookDeliveries.createdAt })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpoint.id),
        afterCursor(cursor, webhookDeliveries.createdAt, webhookDeliveries.id),
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(input.limit + 1);
  const page = pageFromRows(rows, input.limit, (r) => r);
  return {
    data: await presentDeliveries(
      ctx,
      page.data.map((r) => r.id),
    ),
    nextCursor: page.nextCursor,
  };
}

function mayChange(principal: PublisherPrincipal): void {
  if (principal.actor.role === 'viewer')
    throw new ApiError('forbidden', 'A viewer may not send or redeliver.');
}

/** One new attempt now, whatever the delivery's state (also failed ones, and to a disabled endpoint). */
export async function redeliver({
  ctx,
  principal,
  input,
}: UseCase<{ endpointId: string; deliveryId: string }, PublisherPrincipal>): Promise<Delivery> {
  mayChange(principal);
  const endpoint = await endpointOf(ctx, principal.publisherId, input.endpointId);
  const [delivery] = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, input.deliveryId), eq(webhookDeliveries.endpointId, endpoint.id)))
    .limit(1);
  if (!delivery) throw new ApiError('not_found', 'No delivery of this endpoint has this id.');
  await auditEntry(ctx, principal, {
    action: 'webhook_endpoint.redeliver',
    targetType: 'webhook_endpoint',
    targetId: endpoint.id,
    before: { delivery_id: delivery.id, status: delivery.status, attempts: delivery.attempts },
    after: null,
  });
  await attemptDelivery(ctx, delivery, { scheduled: false });
  ctx.logger.info('webhook redelivered', {
    endpoint_id: endpoint.id,
    delivery_id: delivery.id,
    by: principal.actor.keyId,
  });
  const [shown] = await presentDeliveries(ctx, [delivery.id]);
  if (!shown) throw new ApiError('not_found', 'No delivery of this endpoint has this id.');
  return shown;
}

/** Queues a `test` event to this endpoint alone and sends it right after the answer. */
export async function sendTest({
  ctx,
  principal,
  input,
}: UseCase<{ endpointId: string }, PublisherPrincipal>): Promise<{
  message_id: string;
  delivery_id: string;
}> {
  mayChange(principal);
  const endpoint = await endpointOf(ctx, principal.publisherId, input.endpointId);
  const message = {
    ...messageRow(ctx, {
      publisherId: principal.publisherId,
      type: 'test',
      data: { endpoint_id: endpoint.id, message: 'A test event from OnePass.' },
    }),
    fannedOut: true,
  };
  const delivery = deliveryRow(message.id, endpoint.id, wholeSeconds(ctx.now()));
  await ctx.db.batch([
    ctx.db.insert(webhookMessages).values(message),
    ctx.db.insert(webhookDeliveries).values(delivery),
    auditEntry(ctx, principal, {
      action: 'webhook_endpoint.test',
      targetType: 'webhook_endpoint',
      targetId: endpoint.id,
      before: null,
      after: { message_id: message.id, delivery_id: delivery.id ?? null },
    }),
  ]);
  sendWebhooksSoon(ctx);
  return { message_id: message.id, delivery_id: delivery.id ?? '' };
}

export interface PublisherWebhookHealth {
  publisher_id: string;
  publisher_name: string;
  endpoints_enabled: number;
  endpoints_disabled: number;
  failed_last_24h: number;
  pending: number;
}

/** For the operator console: per publisher with endpoints, how many are on or off and what failed in 24 h. */
export async function webhookHealth({
  ctx,
}: UseCase<Record<string, never>>): Promise<PublisherWebhookHealth[]> {
  const since = new Date(ctx.now().getTime() - 86_400_000);
  const endpoints = await ctx.db
    .select({
      publisherId: webhookEndpoints.publisherId,
      name: publishers.name,
      enabled: sql<number>`sum(case when ${webhookEndpoints.enabled} then 1 else 0 end)`,
      disabled: sql<number>`sum(case when ${webhookEndpoints.enabled} then 0 else 1 end)`,
    })
    .from(webhookEndpoints)
    .innerJoin(publishers, eq(publishers.id, webhookEndpoints.publisherId))
    .groupBy(webhookEndpoints.publisherId, publishers.name);
  const failed = await ctx.db
    .select({
      publisherId: webhookEndpoints.publisherId,
      n: sql<number>`count(distinct ${webhookAttempts.deliveryId})`,
    })
    .from(webhookAttempts)
    .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookAttempts.deliveryId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(
        gte(webhookAttempts.startedAt, since),
        sql`(${webhookAttempts.statusCode} is null or ${webhookAttempts.statusCode} < 200 or ${webhookAttempts.statusCode} >= 300)`,
      ),
    )
    .groupBy(webhookEndpoints.publisherId);
  const pending = await ctx.db
    .select({ publisherId: webhookEndpoints.publisherId, n: sql<number>`count(*)` })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.status, 'pending'))
    .groupBy(webhookEndpoints.publisherId);
  const count = (rows: { publisherId: string; n: number }[], id: string) =>
    Number(rows.find((r) => r.publisherId === id)?.n ?? 0);
  return endpoints.map((e) => ({
    publisher_id: e.publisherId,
    publisher_name: e.name,
    endpoints_enabled: Number(e.enabled),
    endpoints_disabled: Number(e.disabled),
    failed_last_24h: count(failed, e.publisherId),
    pending: count(pending, e.publisherId),
  }));
}
