/**
 * @module A publisher's webhook endpoints: create (the secret shown once), list, get, update,
 * delete and rotate the secret (the old one signing alongside for 24 h). Viewers read; every
 * change is audited in its own batch, without the secret.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError, invalidRequest } from '../../app/errors';
import { newId } from '../../db/ids';
import { afterCursor, decodeCursor, type Page, pageFromRows } from '../../db/pages';
import { type WebhookEndpointRow, webhookEndpoints } from '../../db/schema';
import { checkWebhookUrl } from '../../domain/addresses';
import { rfc3339, rfc3339OrNull, wholeSeconds } from '../../domain/time';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks';
import { auditEntry } from '../audit';
import type { PublisherPrincipal } from '../publishers';
import { newSigningSecret, sealSecret } from './secrets';

/** The events an endpoint may subscribe to (`test` always goes to the endpoint it is sent to). */
export const SUBSCRIBABLE_EVENTS = WEBHOOK_EVENT_TYPES.filter((t) => t !== 'test');
export const MAX_ENDPOINTS = 20;
/** How long the previous secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_SECONDS = 24 * 3600;

export interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabled_reason: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export function presentEndpoint(row: WebhookEndpointRow, now: Date): Endpoint {
  const overlap = row.previousSecretUntil && row.previousSecretUntil > now ? row.previousSecretUntil : null;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    previous_secret_expires_at: rfc3339OrNull(overlap),
    created_at: rfc3339(row.createdAt),
    updated_at: rfc3339(row.updatedAt),
  };
}

function mayChange(principal: PublisherPrincipal): void {
  if (principal.actor.role === 'viewer') {
    throw new ApiError('forbidden', 'A viewer may look at webhook endpoints but not change them.');
  }
}

function checkedUrl(ctx: UseCase['ctx'], url: string): string {
  const checked = checkWebhookUrl(url, { production: ctx.config.environment === 'production' });
  if (!checked.ok) throw invalidRequest([{ path: 'url', message: checked.reason }]);
  return checked.url.href;
}

function checkedEvents(events: string[]): string[] {
  const unknown = events.filter((e) => !(SUBSCRIBABLE_EVENTS as readonly string[]).includes(e));
  if (events.length === 0 || unknown.length > 0) {
    throw invalidRequest([
      { path: 'events', message: `Choose one or more of: ${SUBSCRIBABLE_EVENTS.join(', ')}` },
    ]);
  }
  return [...new Set(events)];
}

/** The publisher's endpoint, or 404 (another publisher's endpoint is as unknown as a missing one). */
export async function endpointOf(
  ctx: UseCase['ctx'],
  publisherId: string,
  id: string,
): Promise<WebhookEndpointRow> {
  const [row] = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.publisherId, publisherId)))
    .limit(1);
  if (!row) throw new ApiError('not_found', 'No webhook endpoint has this id.');
  return row;
}

export interface CreateEndpointInput {
  url: string;
  events: string[];
  description?: string | null | undefined;
}

export async function createEndpoint({
  ctx,
  principal,
  input,
}: UseCase<CreateEndpointInput, PublisherPrincipal>): Promise<Endpoint & { secret: string }> {
  mayChange(principal);
  const url = checkedUrl(ctx, input.url);
  const events = checkedEvents(input.events);
  const [count] = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.publisherId, principal.publisherId));
  if ((count?.n ?? 0) >= MAX_ENDPOINTS) {
    throw new ApiError('conflict', `A publisher has at most ${MAX_ENDPOINTS} webhook endpoints.`);
  }
  const now = wholeSeconds(ctx.now());
  const id = newId('webhookEndpoint');
  const secret = newSigningSecret();
  const row: WebhookEndpointRow = {
    id,
    publisherId: principal.publisherId,
    url,
    description: input.description?.trim() || null,
    events,
    enabled: true,
    disabledReason: null,
    secretSealed: await sealSecret(ctx.config, id, secret),
    previousSecretSealed: null,
    previousSecretUntil: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  };
  const shown = presentEndpoint(row, now);
  await ctx.db.batch([
    ctx.db.insert(webhookEndpoints).values(row),
    auditEntry(ctx, principal, {
      action: 'webhook_endpoint.create',
      targetType: 'webhook_endpoint',
      targetId: id,
      before: null,
      after: shown,
    }),
  ]);
  ctx.logger.info('webhook endpoint created', { publisher_id: principal.publisherId, endpoint_id: id });
  return { ...shown, secret };
}

export async function listEndpoints({
  ctx,
  principal,
  input,
}: UseCase<{ limit: number; cursor?: string | undefined }, PublisherPrincipal>): Promise<Page<Endpoint>> {
  const cursor = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.publisherId, principal.publisherId),
        afterCursor(cursor, webhookEndpoints.createdAt, webhookEndpoints.id),
      ),
    )
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
    .limit(input.limit + 1);
  const page = pageFromRows(rows, input.limit, (r) => r);
  const now = ctx.now();
  return { data: page.data.map((r) => presentEndpoint(r, now)), nextCursor: page.nextCursor };
}

export async function getEndpoint({
  ctx,
  principal,
  input,
}: UseCase<{ id: string }, PublisherPrincipal>): Promise<Endpoint> {
  return presentEndpoint(await endpointOf(ctx, principal.publisherId, input.id), ctx.now());
}

export interface UpdateEndpointInput {
  id: string;
  url?: string | undefined;
  events?: string[] | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
}

/** Changes an endpoint; `enabled: true` re-enables one the service disabled (its failing streak forgotten). */
export async function updateEndpoint({
  ctx,
  principal,
  input,
}: UseCase<UpdateEndpointInput, PublisherPrincipal>): Promise<Endpoint> {
  mayChange(principal);
  const before = await endpointOf(ctx, principal.publisherId, input.id);
  const now = wholeSeconds(ctx.now());
  const after: WebhookEndpointRow = {
    ...before,
    ...(input.url !== undefined ? { url: checkedUrl(ctx, input.url) } : {}),
    ...(input.events !== undefined ? { events: checkedEvents(input.events) } : {}),
    ...(input.description !== undefined ? { description: input.description?.trim() || null } : {}),
    ...(input.enabled !== undefined
      ? { enabled: input.enabled, disabledReason: null, ...(input.enabled ? { failingSince: null } : {}) }
      : {}),
    updatedAt: now,
  };
  await ctx.db.batch([
    ctx.db
      .update(webhookEndpoints)
      .set({
        url: after.url,
        events: after.events,
        description: after.description,
        enabled: after.enabled,
        disabledReason: after.disabledReason,
        failingSince: after.failingSince,
        updatedAt: now,
      })
      .where(eq(webhookEndpoints.id, before.id)),
    auditEntry(ctx, principal, {
      action: 'webhook_endpoint.update',
      targetType: 'webhook_endpoint',
      targetId: before.id,
      before: presentEndpoint(before, now),
      after: presentEndpoint(after, now),
    }),
  ]);
  return presentEndpoint(after, now);
}

/** Deletes an endpoint with its deliveries and their attempts. */
export async function deleteEndpoint({
  ctx,
  principal,
  input,
}: UseCase<{ id: string }, PublisherPrincipal>): Promise<void> {
  mayChange(principal);
  const before = await endpointOf(ctx, principal.publisherId, input.id);
  await ctx.db.batch([
    ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, before.id)),
    auditEntry(ctx, principal, {
      action: 'webhook_endpoint.delete',
      targetType: 'webhook_endpoint',
      targetId: before.id,
      before: presentEndpoint(before, ctx.now()),
      after: null,
    }),
  ]);
}

/** A new secret, shown once; the current one keeps signing alongside it for 24 hours. */
export async function rotateSecret({
  ctx,
  principal,
  input,
}: UseCase<{ id: string }, PublisherPrincipal>): Promise<Endpoint & { secret: string }> {
  mayChange(principal);
  const before = await endpointOf(ctx, principal.publisherId, input.id);
  const now = wholeSeconds(ctx.now());
  const secret = newSigningSecret();
  const after: WebhookEndpointRow = {
    ...before,
    secretSealed: await sealSecret(ctx.config, before.id, secret),
    previousSecretSealed: before.secretSealed,
    previousSecretUntil: new Date(now.getTime() + ROTATION_OVERLAP_SECONDS * 1000),
    updatedAt: now,
  };
  await ctx.db.batch([
    ctx.db
      .update(webhookEndpoints)
      .set({
        secretSealed: after.secretSealed,
        previousSecretSealed: after.previousSecretSealed,
        previousSecretUntil: after.previousSecretUntil,
        updatedAt: now,
      })
      .where(eq(webhookEndpoints.id, before.id)),
    auditEntry(ctx, principal, {
      action: 'webhook_endpoint.rotate_secret',
      targetType: 'webhook_endpoint',
      targetId: before.id,
      before: presentEndpoint(before, now),
      after: presentEndpoint(after, now),
    }),
  ]);
  return { ...presentEndpoint(after, now), secret };
}
