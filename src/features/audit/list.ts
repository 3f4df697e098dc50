/** @module Reading the audit log: newest first, by action and/or target, in keyset pages. */
import { and, desc, eq } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { afterCursor, decodeCursor, type Page, pageFromRows } from '../../db/pages';
import { type AuditRow, auditLog } from '../../db/schema';
import type { AdminPrincipal } from '../admin';

export interface AuditQuery {
  limit: number;
  cursor?: string | undefined;
  action?: string | undefined;
  targetId?: string | undefined;
}

export async function listAuditLog({
  ctx,
  input,
}: UseCase<AuditQuery, AdminPrincipal>): Promise<Page<AuditRow>> {
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
