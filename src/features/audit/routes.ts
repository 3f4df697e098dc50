/** @module Admin API: the audit log of every admin mutation (who, what, when, before/after). */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AdminEnv } from '../../app/env';
import { rfc3339 } from '../../domain/time';
import { adminSecurity, PageQuery, pageOf, problemResponses } from '../../http/openapi';
import { adminPrincipal } from '../admin';
import { listAuditLog } from './list';

const AuditEntrySchema = z
  .object({
    id: z.string().openapi({ example: 'aud_abcdefghijklmnopqrst' }),
    actor_key_id: z.string().openapi({ description: '`bootstrap` (ADMIN_API_KEY) or the admin key id.' }),
    action: z.string().openapi({ example: 'member.comp' }),
    target_type: z
      .string()
      .openapi({ description: '`member`, `publisher`, `admin_key`, `payout` or `stripe`.' }),
    target_id: z.string(),
    before: z.unknown().openapi({ description: 'The target before the change (null for a creation).' }),
    after: z.unknown().openapi({ description: 'The target after the change.' }),
    request_id: z.string(),
    created_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('AuditEntry');

const auditRoute = createRoute({
  method: 'get',
  path: '/v1/admin/audit-log',
  operationId: 'listAuditLog',
  tags: ['Admin'],
  summary: 'The audit log, newest first',
  security: adminSecurity,
  request: {
    query: PageQuery.extend({
      action: z.string().min(1).max(64).optional().openapi({ example: 'member.comp' }),
      target_id: z.string().min(1).max(64).optional().openapi({ example: 'rdr_abcdefghijklmnopqrst' }),
    }),
  },
  responses: {
    200: {
      description: 'A page of audit entries',
      content: {
        'application/json': {
          schema: pageOf(AuditEntrySchema),
        },
      },
    },
    ...problemResponses(400, 401),
  },
});

export const auditRoutes = new OpenAPIHono<AdminEnv>().openapi(auditRoute, async (c) => {
  const q = c.req.valid('query');
  const page = await listAuditLog({
    ctx: c.get('ctx'),
    principal: adminPrincipal(c),
    input: { limit: q.limit, cursor: q.cursor, action: q.action, targetId: q.target_id },
  });
  const data = page.data.map((row) => ({
    id: row.id,
    actor_key_id: row.actorKeyId,
    action: row.action,
    target_type: row.targetType,
    target_id: row.targetId,
    before: row.before ?? null,
    after: row.after ?? null,
    request_id: row.requestId,
    created_at: rfc3339(row.createdAt),
  }));
  return c.json({ data, next_cursor: page.nextCursor }, 200);
});
