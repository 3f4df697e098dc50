/**
 * @module Who the admin caller is (bootstrap or stored admin key), the opaque cursors of admin
 * lists, and reading the audit log.
 */
import { type AnyColumn, and, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { invalidRequest } from '../../app/errors';
import { type AdminRole, adminKeys, auditLog } from '../../db/schema';
import { epochSeconds } from '../../domain/time';
import { sha256Hex, timingSafeEqual } from '../../lib/crypto';
import { base64url, utf8 } from '../../lib/encoding';

export interface AdminActor {
  /** `bootstrap` for the ADMIN_API_KEY from the environment, else the `adk_…` id. */
  keyId: string;
  role: AdminRole;
}

/** The actor id of the environment's ADMIN_API_KEY in the audit log and key listings. */
export const BOOTSTRAP_KEY_ID = 'bootstrap';

export async function authenticateAdmin(ctx: AppContext, key: string): Promise<AdminActor | null> {
  if (key.length < 24 || key.length > 200) return null;
  const hash = await sha256Hex(key);
  if (timingSafeEqual(hash, await sha256Hex(ctx.config.adminApiKey)))
    return { keyId: BOOTSTRAP_KEY_ID, role: 'admin' };
  const [row] = await ctx.db
    .select({ id: adminKeys.id, role: adminKeys.role })
    .from(adminKeys)
    .where(and(eq(adminKeys.keyHash, hash), isNull(adminKeys.revokedAt)))
    .limit(1);
  return row ? { keyId: row.id, role: row.role } : null;
}

/**
 * A position in a list ordered newest first: the row's `created_at` (epoch seconds) and its id, the
 * tie-breaker. Encoded opaquely so clients do not build cursors themselves; rows added while a
 * client pages are newer than its cursor, so they never shift the pages still to come.
 */
export interface PageCursor {
  at: number;
  id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return base64url(utf8.encode(JSON.stringify([cursor.at, cursor.id])));
}

/** Keyset condition of a newest-first list: the rows after `cursor` by `(created_at, id)`; none without one. */
export function afterCursor(cursor: PageCursor | null, createdAt: AnyColumn, id: AnyColumn): SQL | undefined {
  return cursor
    ? sql`(${createdAt} < ${cursor.at} or (${createdAt} = ${cursor.at} and ${id} < ${cursor.id}))`
    : undefined;
}

/**
 * One page of a newest-first list read with `limit + 1` rows: the first `limit`, and the cursor of
 * the next page when the extra row shows there is one. `position` names a row's `(created_at, id)`.
 */
export function pageFromRows<T>(
  rows: T[],
  limit: number,
  position: (row: T) => { createdAt: Date; id: string },
): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  if (rows.length <= limit || last === undefined) return { data, nextCursor: null };
  const { createdAt, id } = position(last);
  return { data, nextCursor: encodeCursor({ at: epochSeconds(createdAt), id }) };
}

export function decodeCursor(value: string | undefined): PageCursor | null {
  if (value === undefined) return null;
  const refuse = () =>
    invalidRequest([{ path: 'cursor', message: 'Unknown cursor: pass next_cursor as given' }]);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(value)) throw refuse();
  let parsed: unknown;
  try {
    const padded = value.replace(/-/g, '+').replace(/_/g, '/');
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0))));
  } catch {
    throw refuse();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    parsed[1].length > 64
  ) {
    throw refuse();
  }
  return { at: parsed[0] as number, id: parsed[1] };
}

export type AuditRow = typeof auditLog.$inferSelect;

/** The audit log, newest first, optionally for one action and/or one target. */
export async function listAuditLog({
  ctx,
  input,
}: UseCase<{
  limit: number;
  cursor?: string | undefined;
  action?: string | undefined;
  targetId?: string | undefined;
}>): Promise<{ data: AuditRow[]; nextCursor: string | null }> {
  const after = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(
      and(
        input.action ? eq(auditLog.action, input.action) : undefined,
        input.targetId ? eq(auditLog.targetId, input.targetId) : undefined,
        afterCursor(after, auditLog.createdAt, auditLog.id),
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(input.limit + 1);
  return pageFromRows(rows, input.limit, (row) => row);
}
