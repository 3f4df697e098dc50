/**
 * @module The audit log: `auditEntry` builds the insert that goes into the same `db.batch` as the
 * admin mutation it records, so the change and its record land together or not at all.
 */
import type { SQL } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { newId } from '../../db/ids';
import { insertIf } from '../../db/insert-if';
import { auditLog } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';

/**
 * Who acted, as the audit log records it: an admin key or the bootstrap key, an admin user or a
 * publisher's staff member (their reader id), or a publisher API key (`pkk_…`).
 */
export interface AuditPrincipal {
  actor: { keyId: string };
  requestId: string;
}

export interface AuditEntry {
  /** `<target type>.<verb>`, e.g. `member.comp`, `publisher.rotate_key`. */
  action: string;
  targetType:
    | 'member'
    | 'publisher'
    | 'admin_key'
    | 'admin_user'
    | 'publisher_key'
    | 'publisher_staff'
    | 'webhook_endpoint'
    | 'payout'
    | 'gift'
    | 'seat'
    | 'stripe';
  targetId: string;
  /** JSON-safe snapshots; never secrets (no keys, hashes or passwords). */
  before: unknown;
  after: unknown;
}

/** The insert statement for one audit row; put it in the batch of the change. */
export function auditEntry(ctx: AppContext, audit: AuditPrincipal, entry: AuditEntry) {
  return ctx.db.insert(auditLog).values(auditRow(ctx, audit, entry, newId('audit')));
}

function auditRow(ctx: AppContext, audit: AuditPrincipal, entry: AuditEntry, id: string) {
  return {
    id,
    actorKeyId: audit.actor.keyId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: audit.requestId,
    createdAt: wholeSeconds(ctx.now()),
  } satisfies typeof auditLog.$inferInsert;
}

/**
 * The same audit row, inserted only if `condition` (an SQL boolean) holds when the batch runs: for
 * changes that are themselves conditional (optimistic concurrency on a membership's version), so
 * that a write that did not land leaves no record either. `id` lets the change mark itself with it.
 */
export function auditEntryIf(
  ctx: AppContext,
  audit: AuditPrincipal,
  entry: AuditEntry,
  condition: SQL,
  id: string = newId('audit'),
) {
  return insertIf(ctx.db, auditLog, auditRow(ctx, audit, entry, id), condition);
}
