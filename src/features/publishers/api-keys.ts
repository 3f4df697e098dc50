/**
 * @module A publisher's own API keys: several live at once so a key can be replaced without
 * downtime (create, deploy, revoke), each shown once, stored as SHA-256, every change audited.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { newId } from '../../db/ids';
import { type PublisherKeyRow, publisherKeys } from '../../db/schema';
import { rfc3339, rfc3339OrNull, wholeSeconds } from '../../domain/time';
import { sha256Hex } from '../../lib/crypto';
import { auditEntry } from '../audit';
import { newPublisherKey } from './keys';
import type { PublisherPrincipal } from './principal';

/** At most this many live keys per publisher: enough to overlap a rotation, few enough to audit. */
export const MAX_LIVE_KEYS = 5;

export function presentPublisherKey(key: PublisherKeyRow) {
  return {
    id: key.id,
    name: key.name,
    key_prefix: key.keyPrefix,
    created_at: rfc3339(key.createdAt),
    created_by: key.createdBy,
    revoked_at: rfc3339OrNull(key.revokedAt),
  };
}

/** Every key of the publisher, live ones first, newest first. */
export function listPublisherKeys(ctx: AppContext, publisherId: string): Promise<PublisherKeyRow[]> {
  return ctx.db
    .select()
    .from(publisherKeys)
    .where(eq(publisherKeys.publisherId, publisherId))
    .orderBy(publisherKeys.revokedAt, desc(publisherKeys.createdAt));
}

function ownerOnly(principal: PublisherPrincipal): void {
  if (principal.actor.role !== 'owner') throw new ApiError('forbidden', 'A viewer may not manage keys.');
}

export async function createPublisherKey({
  ctx,
  principal,
  input,
}: UseCase<{ name: string }, PublisherPrincipal>): Promise<{ key: PublisherKeyRow; apiKey: string }> {
  ownerOnly(principal);
  const live = await ctx.db
    .select({ id: publisherKeys.id })
    .from(publisherKeys)
    .where(and(eq(publisherKeys.publisherId, principal.publisherId), isNull(publisherKeys.revokedAt)));
  if (live.length >= MAX_LIVE_KEYS) {
    throw new ApiError(
      'conflict',
      `A publisher may have at most ${MAX_LIVE_KEYS} live keys; revoke one first.`,
    );
  }
  const { key: apiKey, prefix } = newPublisherKey(ctx);
  const key: PublisherKeyRow = {
    id: newId('publisherKey'),
    publisherId: principal.publisherId,
    name: input.name.trim() || 'Unnamed key',
    keyHash: await sha256Hex(apiKey),
    keyPrefix: prefix,
    createdBy: principal.actor.keyId,
    createdAt: wholeSeconds(ctx.now()),
    revokedAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(publisherKeys).values(key),
    auditEntry(ctx, principal, {
      action: 'publisher_key.create',
      targetType: 'publisher_key',
      targetId: key.id,
      before: null,
      after: { publisher_id: key.publisherId, name: key.name, key_prefix: key.keyPrefix },
    }),
  ]);
  return { key, apiKey };
}

/**
 * Revokes one key at once (lookups ignore revoked keys). `callingKeyId` is the key of an API call:
 * it may not revoke itself, so a script cannot lock its publisher out by mistake.
 */
export async function revokePublisherKey({
  ctx,
  principal,
  input,
}: UseCase<{ id: string; callingKeyId?: string }, PublisherPrincipal>): Promise<PublisherKeyRow> {
  ownerOnly(principal);
  if (input.callingKeyId === input.id) {
    throw new ApiError('conflict', 'A key cannot revoke itself; call with another key of this publisher.');
  }
  const where = and(eq(publisherKeys.id, input.id), eq(publisherKeys.publisherId, principal.publisherId));
  const [before] = await ctx.db.select().from(publisherKeys).where(where);
  if (!before) throw new ApiError('not_found', 'This publisher has no key with this id.');
  if (before.revokedAt) return before;
  const after = { ...before, revokedAt: wholeSeconds(ctx.now()) };
  await ctx.db.batch([
    ctx.db.update(publisherKeys).set({ revokedAt: after.revokedAt }).where(where),
    auditEntry(ctx, principal, {
      action: 'publisher_key.revoke',
      targetType: 'publisher_key',
      targetId: before.id,
      before: { revoked_at: null },
      after: { revoked_at: rfc3339(after.revokedAt) },
    }),
  ]);
  return after;
}
