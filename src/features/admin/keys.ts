/**
 * @module Admin keys beyond the bootstrap one: created with a role, shown once, stored as SHA-256,
 * revoked by id (authentication ignores revoked keys, so a revoked key stops working at once).
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { newId } from '../../db/ids';
import { afterCursor, decodeCursor, type Page, pageFromRows } from '../../db/pages';
import { type AdminKeyRow, type AdminRole, adminKeys } from '../../db/schema';
import { rfc3339, rfc3339OrNull, wholeSeconds } from '../../domain/time';
import { randomToken, sha256Hex } from '../../lib/crypto';
import { auditEntry } from '../audit';
import { type AdminPrincipal, BOOTSTRAP_KEY_ID } from './actors';

/** `ak_live_…` in production, `ak_test_…` elsewhere: recognisable to people and secret scanners. */
const KEY_PREFIX_LENGTH = 16;

/** An admin key as the API shows it and the audit log keeps it: never the key or its hash. */
export function presentAdminKey(key: AdminKeyRow) {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    key_prefix: key.keyPrefix,
    created_at: rfc3339(key.createdAt),
    revoked_at: rfc3339OrNull(key.revokedAt),
  };
}

export async function createAdminKey({
  ctx,
  principal,
  input,
}: UseCase<{ name: string; role: AdminRole }, AdminPrincipal>): Promise<{
  key: AdminKeyRow;
  apiKey: string;
}> {
  const mode = ctx.config.environment === 'production' ? 'live' : 'test';
  const apiKey = `ak_${mode}_${randomToken(32)}`;
  const key: AdminKeyRow = {
    id: newId('adminKey'),
    name: input.name.trim(),
    role: input.role,
    keyHash: await sha256Hex(apiKey),
    keyPrefix: apiKey.slice(0, KEY_PREFIX_LENGTH),
    createdAt: wholeSeconds(ctx.now()),
    revokedAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(adminKeys).values(key),
    auditEntry(ctx, principal, {
      action: 'admin_key.create',
      targetType: 'admin_key',
      targetId: key.id,
      before: null,
      after: presentAdminKey(key),
    }),
  ]);
  ctx.logger.info('admin key created', { admin_key_id: key.id, role: key.role });
  return { key, apiKey };
}

/** Stored keys, newest first (revoked ones too, with `revoked_at`). */
export async function listAdminKeys({
  ctx,
  input,
}: UseCase<{ limit: number; cursor?: string | undefined }, AdminPrincipal>): Promise<Page<AdminKeyRow>> {
  const after = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select()
    .from(adminKeys)
    .where(afterCursor(after, adminKeys.createdAt, adminKeys.id))
    .orderBy(desc(adminKeys.createdAt), desc(adminKeys.id))
    .limit(input.limit + 1);
  return pageFromRows(rows, input.limit, (row) => row);
}

/**
 * Revokes a stored key. Revoking a key that is already revoked changes nothing and records nothing.
 * The bootstrap key lives in the environment (ADMIN_API_KEY): rotate it there.
 */
export async function revokeAdminKey({
  ctx,
  principal,
  input,
}: UseCase<{ id: string }, AdminPrincipal>): Promise<void> {
  if (input.id === BOOTSTRAP_KEY_ID) {
    throw new ApiError(
      'conflict',
      'The bootstrap key comes from ADMIN_API_KEY and cannot be revoked here: change the variable.',
    );
  }
  const [key] = await ctx.db.select().from(adminKeys).where(eq(adminKeys.id, input.id)).limit(1);
  if (!key) throw new ApiError('not_found', 'No admin key has this id.');
  if (key.revokedAt) return;
  const revokedAt = wholeSeconds(ctx.now());
  await ctx.db.batch([
    ctx.db
      .update(adminKeys)
      .set({ revokedAt })
      .where(and(eq(adminKeys.id, key.id), isNull(adminKeys.revokedAt))),
    auditEntry(ctx, principal, {
      action: 'admin_key.revoke',
      targetType: 'admin_key',
      targetId: key.id,
      before: presentAdminKey(key),
      after: presentAdminKey({ ...key, revokedAt }),
    }),
  ]);
  ctx.logger.info('admin key revoked', { admin_key_id: key.id });
}
