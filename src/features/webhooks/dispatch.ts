/**
 * @module Sending webhooks from the outbox: messages are fanned out to the endpoints subscribed to
 * their type, due deliveries are leased (one conditional update, so the scheduled run and a
 * deferred send never send one twice at once), attempted, and every attempt is logged. A failed
 * attempt is retried on the 3-day schedule of `domain/webhooks`; a delivery that exhausts it
 * fails, and disables an endpoint that has failed throughout (its owners are mailed).
 */
import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { newId } from '../../db/ids';
import {
  outbox,
  publisherStaff,
  publishers,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  webhookMessages,
} from '../../db/schema';
import { checkWebhookUrl } from '../../domain/addresses';
import { epochSeconds, rfc3339, wholeSeconds } from '../../domain/time';
import { disablesEndpoint, isDelivered, nextAttemptAt } from '../../domain/webhooks';
import { mailRow } from '../mail';
import { unsealSecret, webhookHeaders } from './secrets';
import { fetchTransport } from './transport';

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Longer than an attempt can take: a lease outlives the attempt it protects. */
const LEASE_MS = 2 * 60_000;

/** Creates the deliveries of new messages: one per enabled endpoint subscribed to the type. */
export async function fanOut(ctx: AppContext, limit = 200): Promise<number> {
  const messages = await ctx.db
    .select()
    .from(webhookMessages)
    .where(eq(webhookMessages.fannedOut, false))
    .orderBy(asc(webhookMessages.createdAt))
    .limit(limit);
  if (messages.length === 0) return 0;
  const endpoints = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        inArray(webhookEndpoints.publisherId, [...new Set(messages.map((m) => m.publisherId))]),
        eq(webhookEndpoints.enabled, true),
      ),
    );
  const now = wholeSeconds(ctx.now());
  const deliveries = messages.flatMap((m) =>
    endpoints
      .filter(
        (e) => e.publisherId === m.publisherId && e.events.includes(m.type) && e.createdAt <= m.createdAt,
      )
      .map((e) => deliveryRow(m.id, e.id, now)),
  );
  await ctx.db.batch([
    ctx.db
      .update(webhookMessages)
      .set({ fannedOut: true })
      .where(
        inArray(
          webhookMessages.id,
          messages.map((m) => m.id),
        ),
      ),
    ...deliveries.map((d) => ctx.db.insert(webhookDeliveries).values(d).onConflictDoNothing()),
  ]);
  return deliveries.length;
}

export function deliveryRow(
  messageId: string,
  endpointId: string,
  now: Date,
): typeof webhookDeliveries.$inferInsert {
  return {
    id: newId('webhookDelivery'),
    messageId,
    endpointId,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  };
}

export interface DeliveryRun {
  delivered: number;
  failed: number;
  exhausted: number;
}

/** Fans out new messages and attempts every due delivery (at most `limit`) of enabled endpoints. */
export async function deliverWebhooks(ctx: AppContext, limit = 50): Promise<DeliveryRun> {
  await fanOut(ctx);
  const now = wholeSeconds(ctx.now());
  const due = await ctx.db
    .select({ id: webhookDeliveries.id, nextAttemptAt: webhookDeliveries.nextAttemptAt })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, now),
        eq(webhookEndpoints.enabled, true),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit);
  const run: DeliveryRun = { delivered: 0, failed: 0, exhausted: 0 };
  for (const { id, nextAttemptAt: dueAt } of due) {
    // The lease: whoever moves the due time on first sends; the other finds nothing to update.
    const [leased] = await ctx.db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
      .where(
        and(
          eq(webhookDeliveries.id, id),
          eq(webhookDeliveries.status, 'pending'),
          eq(webhookDeliveries.nextAttemptAt, dueAt),
        ),
      )
      .returning();
    if (!leased) continue;
    const outcome = await attemptDelivery(ctx, leased, { scheduled: true });
    run[outcome]++;
  }
  return run;
}

/** Sends what is due right after the answer (`ctx.defer`), instead of waiting for the scheduled run. */
export function sendWebhooksSoon(ctx: AppContext): void {
  ctx.defer?.(() => deliverWebhooks(ctx));
}

/** The secrets that sign now: the current one, and the previous one during a rotation's overlap. */
async function signingSecrets(ctx: AppContext, endpoint: WebhookEndpointRow, now: Date): Promise<string[]> {
  const secrets = [await unsealSecret(ctx.config, endpoint.id, endpoint.secretSealed)];
  if (endpoint.previousSecretSealed && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now) {
    secrets.push(await unsealSecret(ctx.config, endpoint.id, endpoint.previousSecretSealed));
  }
  return secrets;
}

interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  response: string | null;
  durationMs: number;
}

/** One HTTP attempt: never throws; a refusal, network error or timeout is an error string. */
async function send(
  ctx: AppContext,
  endpoint: WebhookEndpointRow,
  messageId: string,
  body: string,
  now: Date,
) {
  const started = performance.now();
  const production = ctx.config.environment === 'production';
  const finish = (r: Omit<AttemptResult, 'durationMs'>): AttemptResult => ({
    ...r,
    durationMs: Math.round(performance.now() - started),
  });
  const checked = checkWebhookUrl(endpoint.url, { production });
  if (!checked.ok) return finish({ statusCode: null, error: `refused: ${checked.reason}`, response: null });
  try {
    const headers = await webhookHeaders(
      await signingSecrets(ctx, endpoint, now),
      messageId,
      epochSeconds(now),
      body,
    );
    const transport = ctx.webhookTransport ?? fetchTransport;
    const answer = await transport({
      url: checked.url,
      headers,
      body,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      publicOnly: production,
    });
    return finish({ statusCode: answer.status, error: null, response: answer.body });
  } catch (err) {
    const message =
      err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
    return finish({ statusCode: null, error: message.slice(0, 500), response: null });
  }
}

/**
 * Attempts one delivery now and records it. A scheduled attempt moves the schedule on (or fails
 * the delivery, possibly disabling the endpoint); a redelivery (`scheduled: false`) is an extra
 * attempt: it marks the delivery delivered when it succeeds and otherwise changes nothing else.
 */
export async function attemptDelivery(
  ctx: AppContext,
  delivery: WebhookDeliveryRow,
  options: { scheduled: boolean },
): Promise<'delivered' | 'failed' | 'exhausted'> {
  const [found] = await ctx.db
    .select({ endpoint: webhookEndpoints, body: webhookMessages.body })
    .from(webhookEndpoints)
    .innerJoin(webhookMessages, eq(webhookMessages.id, delivery.messageId))
    .where(eq(webhookEndpoints.id, delivery.endpointId))
    .limit(1);
  if (!found) return 'failed';
  const { endpoint, body } = found;
  const now = wholeSeconds(ctx.now());
  const result = await send(ctx, endpoint, delivery.messageId, body, now);
  const delivered = isDelivered(result.statusCode);
  const attempts = delivery.attempts + 1;
  const firstAttemptAt = delivery.firstAttemptAt ?? now;
  const next = delivered || !options.scheduled ? null : nextAttemptAt(firstAttemptAt, attempts);
  const exhausted = options.scheduled && !delivered && next === null;
  const status = delivered ? 'delivered' : exhausted ? 'failed' : delivery.status;
  const failingSince = delivered ? null : (endpoint.failingSince ?? now);
  const disable = exhausted && endpoint.enabled && disablesEndpoint({ failingSince, firstAttemptAt });
  const statements = [
    ctx.db.insert(webhookAttempts).values({
      id: newId('webhookAttempt'),
      deliveryId: delivery.id,
      startedAt: now,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      error: result.error,
      response: result.response,
    }),
    ctx.db
      .update(webhookDeliveries)
      .set({
        status,
        attempts,
        firstAttemptAt,
        lastAttemptAt: now,
        lastStatusCode: result.statusCode,
        ...(next ? { nextAttemptAt: next } : {}),
      })
      .where(eq(webhookDeliveries.id, delivery.id)),
    ctx.db
      .update(webhookEndpoints)
      .set({
        failingSince,
        ...(disable ? { enabled: false, disabledReason: 'failing', updatedAt: now } : {}),
      })
      .where(eq(webhookEndpoints.id, endpoint.id)),
    ...(disable ? await disabledMails(ctx, endpoint, failingSince ?? now) : []),
  ] as const;
  await ctx.db.batch(statements);
  if (disable) {
    ctx.logger.warn('webhook endpoint disabled after failing for the whole retry schedule', {
      endpoint_id: endpoint.id,
      publisher_id: endpoint.publisherId,
    });
  }
  return delivered ? 'delivered' : exhausted ? 'exhausted' : 'failed';
}

/** The mail to each owner of the publisher that its endpoint was disabled (a warning when it has none). */
async function disabledMails(ctx: AppContext, endpoint: WebhookEndpointRow, since: Date) {
  const owners = await ctx.db
    .select({ email: publisherStaff.email, name: publishers.name })
    .from(publisherStaff)
    .innerJoin(publishers, eq(publishers.id, publisherStaff.publisherId))
    .where(and(eq(publisherStaff.publisherId, endpoint.publisherId), eq(publisherStaff.role, 'owner')));
  if (owners.length === 0) {
    ctx.logger.warn('webhook endpoint disabled, and its publisher has no owner to tell', {
      endpoint_id: endpoint.id,
      publisher_id: endpoint.publisherId,
    });
  }
  const at = epochSeconds(ctx.now());
  return owners.map((owner) =>
    ctx.db.insert(outbox).values(
      mailRow(ctx, {
        dedupeKey: `webhook_disabled:${endpoint.id}:${at}:${owner.email}`,
        readerId: null,
        to: owner.email,
        template: 'webhook_disabled',
        payload: {
          publisher_name: owner.name,
          endpoint_id: endpoint.id,
          url: endpoint.url,
          failing_since: rfc3339(since),
        },
      }),
    ),
  );
}
