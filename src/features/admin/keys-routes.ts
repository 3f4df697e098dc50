/** @module Admin API: admin keys — create with a role (shown once), list, revoke. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { ADMIN_ROLES } from '../../db/schema';
import { rfc3339, rfc3339OrNull } from '../../domain/time';
import { adminSecurity, jsonBody, PageQuery, pageOf, problemResponses } from '../../http/shapes';
import { auditOf } from '../members/routes';
import { type AdminKeyRow, createAdminKey, listAdminKeys, revokeAdminKey } from './keys';

const Timestamp = z.string().openapi({ example: '2026-12-11T22:50:00Z', format: 'date-time' });

const AdminKeySchema = z
  .object({
    id: z.string().openapi({ example: 'adk_abcdefghijklmnopqrst' }),
    name: z.string(),
    role: z.enum(ADMIN_ROLES),
    key_prefix: z.string().openapi({ description: 'The first characters of the key, to recognise it.' }),
    created_at: Timestamp,
    revoked_at: Timestamp.nullable(),
  })
  .openapi('AdminKey');

function presentKey(key: AdminKeyRow) {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    key_prefix: key.keyPrefix,
    created_at: rfc3339(key.createdAt),
    revoked_at: rfc3339OrNull(key.revokedAt),
  };
}

const createKeyRoute = createRoute({
  method: 'post',
  path: '/v1/admin/keys',
  tags: ['Admin'],
  summary: 'Create an admin key; it is shown this once',
  description: '`admin` may do everything; `support` may only read (GET).',
  security: adminSecurity,
  request: {
    body: jsonBody(
      z
        .object({
          name: z.string().trim().min(1).max(100).openapi({ example: 'Support desk' }),
          role: z.enum(ADMIN_ROLES).openapi({ example: 'support' }),
        })
        .openapi('NewAdminKey'),
    ),
  },
  responses: {
    201: {
      description: 'Created',
      content: {
        'application/json': {
          schema: z.object({
            key: AdminKeySchema,
            api_key: z.string().openapi({ description: 'Shown once; store it as a secret.' }),
          }),
        },
      },
    },
    ...problemResponses(400, 401, 403, 415),
  },
});

const listKeysRoute = createRoute({
  method: 'get',
  path: '/v1/admin/keys',
  tags: ['Admin'],
  summary: 'List admin keys (revoked ones too); the bootstrap ADMIN_API_KEY is not listed',
  security: adminSecurity,
  request: {
    query: PageQuery,
  },
  responses: {
    200: {
      description: 'A page of keys',
      content: {
        'application/json': {
          schema: pageOf(AdminKeySchema),
        },
      },
    },
    ...problemResponses(400, 401),
  },
});

const revokeKeyRoute = createRoute({
  method: 'delete',
  path: '/v1/admin/keys/{id}',
  tags: ['Admin'],
  summary: 'Revoke an admin key; it stops working at once',
  description: 'Revoking a revoked key changes nothing. The bootstrap key (`bootstrap`) is refused with 409.',
  security: adminSecurity,
  request: {
    params: z.object({ id: z.string().min(1).max(64).openapi({ example: 'adk_abcdefghijklmnopqrst' }) }),
  },
  responses: { 204: { description: 'Revoked' }, ...problemResponses(401, 403, 404, 409) },
});

export const adminKeysRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createKeyRoute, async (c) => {
    const { key, apiKey } = await createAdminKey({
      ctx: c.get('ctx'),
      input: { ...c.req.valid('json'), audit: auditOf(c) },
    });
    return c.json({ key: presentKey(key), api_key: apiKey }, 201);
  })
  .openapi(listKeysRoute, async (c) => {
    const page = await listAdminKeys({ ctx: c.get('ctx'), input: c.req.valid('query') });
    return c.json({ data: page.data.map(presentKey), next_cursor: page.nextCursor }, 200);
  })
  .openapi(revokeKeyRoute, async (c) => {
    await revokeAdminKey({ ctx: c.get('ctx'), input: { id: c.req.valid('param').id, audit: auditOf(c) } });
    return c.body(null, 204);
  });
