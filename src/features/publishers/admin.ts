/**
 * @module Publisher onboarding and upkeep by admins, each change written with its audit row in one
 * batch: create (key shown once), update name and origins, rotate the API key.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { newId } from '../../db/ids';
import { type PublisherRow, publisherKeys, publishers } from '../../db/schema';
import { rfc3339, wholeSeconds } from '../../domain/time';
import { sha256Hex } from '../../lib/crypto';
import type { AdminPrincipal } from '../admin';
import { auditEntry } from '../audit';
import { getPublisher } from './directory';
import { newPublisherKey } from './keys';
import { type ProfileChange, profileColumns, withProfile } from './profile';

/** What the audit log keeps of a publisher: never the key or its hash, only the visible prefix. */
function snapshot(p: PublisherRow) {
  return {
    id: p.id,
    name: p.name,
    origins: p.origins,
    description: p.description,
    homepage_url: p.homepageUrl,
    logo_url: p.logoUrl,
    api_key_prefix: p.apiKeyPrefix,
    updated_at: rfc3339(p.updatedAt),
  };
}

async function existing(ctx: AppContext, id: string): Promise<PublisherRow> {
  const publisher = await getPublisher(ctx, id);
  if (!publisher) throw new ApiError('not_found', 'No publisher has this id.');
  return publisher;
}

export async function onboardPublisher({
  ctx,
  principal,
  input,
}: UseCase<{ name: string; origins: string[] }, AdminPrincipal>): Promise<{
  publisher: PublisherRow;
  apiKey: string;
}> {
  const { key, prefix } = newPublisherKey(ctx);
  const now = wholeSeconds(ctx.now());
  const publisher: PublisherRow = {
    id: newId('publisher'),
    name: input.name.trim(),
    origins: [...new Set(input.origins)],
    description: null,
    homepageUrl: null,
    logoUrl: null,
    apiKeyHash: await sha256Hex(key),
    apiKeyPrefix: prefix,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.db.batch([
    ctx.db.insert(publishers).values(publisher),
    ctx.db.insert(publisherKeys).values(keyRow(publisher, principal.actor.keyId, 'First key')),
    auditEntry(ctx, principal, {
      action: 'publisher.create',
      targetType: 'publisher',
      targetId: publisher.id,
      before: null,
      after: snapshot(publisher),
    }),
  ]);
  ctx.logger.info('publisher created', { publisher_id: publisher.id });
  return { publisher, apiKey: key };
}

export async function updatePublisher({
  ctx,
  principal,
  input,
}: UseCase<ProfileChange & { id: string }, AdminPrincipal>): Promise<PublisherRow> {
  const before = await existing(ctx, input.id);
  const after = withProfile(before, input, ctx.now());
  await ctx.db.batch([
    ctx.db.update(publishers).set(profileColumns(after)).where(eq(publishers.id, before.id)),
    auditEntry(ctx, principal, {
      action: 'publisher.update',
      targetType: 'publisher',
      targetId: before.id,
      before: snapshot(before),
      after: snapshot(after),
    }),
  ]);
  return after;
}

/** The `publisher_keys` row of the key whose hash the publisher row now carries. */
function keyRow(publisher: PublisherRow, createdBy: string, name: string): typeof publisherKeys.$inferInsert {
  return {
    id: newId('publisherKey'),
    publisherId: publisher.id,
    name,
    keyHash: publisher.apiKeyHash,
    keyPrefix: publisher.apiKeyPrefix,
    createdBy,
    createdAt: publisher.updatedAt,
  };
}

/**
 * Replaces every live API key of a publisher with one new key (the admin's break-glass rotation;
 * staff rotate one key at a time in the console, with overlap). Lookups go by the key's hash, so
 * the old keys stop working with this write; the new key is returned to be shown once.
 */
export async function rotateKey({
  ctx,
  principal,
  input,
}: UseCase<{ id: string }, AdminPrincipal>): Promise<{ publisher: PublisherRow; apiKey: string }> {
  const before = await existing(ctx, input.id);
  const { key, prefix } = newPublisherKey(ctx);
  const after: PublisherRow = {
    ...before,
    apiKeyHash: await sha256Hex(key),
    apiKeyPrefix: prefix,
    updatedAt: wholeSeconds(ctx.now()),
  };
  await ctx.db.batch([
    ctx.db
      .update(publishers)
      .set({ apiKeyHash: after.apiKeyHash, apiKeyPrefix: prefix, updatedAt: after.updatedAt })
      .where(eq(publishers.id, before.id)),
    ctx.db
      .update(publisherKeys)
      .set({ revokedAt: after.updatedAt })
      .where(and(eq(publisherKeys.publisherId, before.id), isNull(publisherKeys.revokedAt))),
    ctx.db.insert(publisherKeys).values(keyRow(after, principal.actor.keyId, 'Rotated by an admin')),
    auditEntry(ctx, principal, {
      action: 'publisher.rotate_key',
      targetType: 'publisher',
      targetId: before.id,
      before: snapshot(before),
      after: snapshot(after),
    }),
  ]);
  ctx.logger.info('publisher key rotated', { publisher_id: before.id, key_prefix: prefix });
  return { publisher: after, apiKey: key };
}
