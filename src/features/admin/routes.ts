/** @module Admin API of the admin feature: admin keys (create with a role, shown once; list; revoke) and the metrics. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AdminEnv } from '../../app/env';
import { ADMIN_ROLES } from '../../db/schema';
import { DayRangeQuery, dayRangeOf } from '../../http/day-range';
import { adminSecurity, jsonBody, PageQuery, pageOf, problemResponses } from '../../http/openapi';
import { Timestamp } from '../../http/shapes';
import { createAdminKey, listAdminKeys, presentAdminKey, revokeAdminKey } from './keys';
import { metrics } from './metrics';
import { adminPrincipal } from './middleware';
import { MetricsSchema } from './shapes';

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

const createKeyRoute = createRoute({
  method: 'post',
  path: '/v1/admin/keys',
  operationId: 'createAdminKey',
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
  operationId: 'listAdminKeys',
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
  operationId: 'revokeAdminKey',
  tags: ['Admin'],
  summary: 'Revoke an admin key; it stops working at once',
  description: 'Revoking a revoked key changes nothing. The bootstrap key (`bootstrap`) is refused with 409.',
  security: adminSecurity,
  request: {
    params: z.object({ id: z.string().min(1).max(64).openapi({ example: 'adk_abcdefghijklmnopqrst' }) }),
  },
  responses: { 204: { description: 'Revoked' }, ...problemResponses(401, 403, 404, 409) },
});

const metricsRoute = createRoute({
  method: 'get',
  path: '/v1/admin/metrics',
  operationId: 'getMetrics',
  tags: ['Admin'],
  summary: 'Members by status now, and the trials, conversions and churn of a period',
  description:
    '`from` and `to` are UTC days, both included (default: the last 30 days). See docs/OPERATIONS.md for the ' +
    'definitions.',
  security: adminSecurity,
  request: { query: DayRangeQuery },
  responses: {
    200: { description: 'The numbers', content: { 'application/json': { schema: MetricsSchema } } },
    ...problemResponses(400, 401),
  },
});

/** Ten years: the aggregates are cheap, but an unbounded range is a typo more often than a wish. */
const METRICS_MAX_DAYS = 3660;

export const adminRoutes = new OpenAPIHono<AdminEnv>()
  .openapi(createKeyRoute, async (c) => {
    const { key, apiKey } = await createAdminKey({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { ...c.req.valid('json') },
    });
    return c.json({ key: presentAdminKey(key), api_key: apiKey }, 201);
  })
  .openapi(listKeysRoute, async (c) => {
    const page = await listAdminKeys({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: c.req.valid('query'),
    });
    return c.json({ data: page.data.map(presentAdminKey), next_cursor: page.nextCursor }, 200);
  })
  .openapi(revokeKeyRoute, async (c) => {
    await revokeAdminKey({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { id: c.req.valid('param').id },
    });
    return c.body(null, 204);
  })
  .openapi(metricsRoute, async (c) => {
    const range = dayRangeOf(c.req.valid('query'), c.get('ctx').now(), METRICS_MAX_DAYS);
    const m = await metrics({ ctx: c.get('ctx'), principal: adminPrincipal(c), input: range });
    return c.json(
      {
        from: range.from,
        to: range.to,
        members: m.members,
        trials_started: m.trialsStarted,
        trials_converted: m.trialsConverted,
        conversion_rate: m.conversionRate,
        churned: m.churned,
        active_paying: m.activePaying,
        gifts: {
          sold: m.gifts.sold,
          redeemed: m.gifts.redeemed,
          voided: m.gifts.voided,
          live_members: m.gifts.liveMembers,
        },
      },
      200,
    );
  });
