/**
 * @module Admin API of console access: operator users (`/v1/admin/users`) and a publisher's staff
 * (`/v1/admin/publishers/{id}/staff`), for scripts and the first operator (the admin CLI).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AdminEnv } from '../../app/env';
import { ADMIN_ROLES, STAFF_ROLES } from '../../db/schema';
import { adminSecurity, jsonBody, problemResponses } from '../../http/openapi';
import { Timestamp } from '../../http/shapes';
import { adminPrincipal } from '../admin';
import {
  grantAdminUser,
  inviteStaff,
  listAdminUsers,
  listStaff,
  presentAdminUser,
  presentStaff,
  removeStaff,
  revokeAdminUser,
} from './grants';

const AdminUserSchema = z
  .object({ email: z.string(), role: z.enum(ADMIN_ROLES), created_by: z.string(), created_at: Timestamp })
  .openapi('AdminUser');

const StaffSchema = z
  .object({
    publisher_id: z.string(),
    email: z.string(),
    role: z.enum(STAFF_ROLES),
    invited_by: z.string(),
    created_at: Timestamp,
  })
  .openapi('PublisherStaff');

const tags = ['Admin'];
const EmailParam = z.object({ email: z.string().min(3).max(320).openapi({ example: 'ops@example.com' }) });
const PublisherParam = z.object({ id: z.string().max(40) });

const listUsers = createRoute({
  method: 'get',
  path: '/v1/admin/users',
  operationId: 'listAdminUsers',
  tags,
  security: adminSecurity,
  summary: 'Who may sign in to the operator console',
  responses: {
    200: {
      description: 'The users',
      content: { 'application/json': { schema: z.object({ data: z.array(AdminUserSchema) }) } },
    },
    ...problemResponses(401),
  },
});

const grantUser = createRoute({
  method: 'post',
  path: '/v1/admin/users',
  operationId: 'grantAdminUser',
  tags,
  security: adminSecurity,
  summary: 'Give an address the operator console (or change its role)',
  description:
    'The person signs in at /login as a reader does (a link by mail is enough); the console opens once the address is confirmed. `admin` may act, `support` may only look.',
  request: {
    body: jsonBody(
      z.object({ email: z.string().max(320), role: z.enum(ADMIN_ROLES) }).openapi('AdminUserGrant'),
    ),
  },
  responses: {
    200: { description: 'The grant', content: { 'application/json': { schema: AdminUserSchema } } },
    ...problemResponses(400, 401, 403, 415),
  },
});

const revokeUser = createRoute({
  method: 'delete',
  path: '/v1/admin/users/{email}',
  operationId: 'revokeAdminUser',
  tags,
  security: adminSecurity,
  summary: 'Take the operator console away from an address',
  request: { params: EmailParam },
  responses: { 204: { description: 'Revoked' }, ...problemResponses(401, 403, 404) },
});

const listStaffRoute = createRoute({
  method: 'get',
  path: '/v1/admin/publishers/{id}/staff',
  operationId: 'listPublisherStaff',
  tags,
  security: adminSecurity,
  summary: 'Who may sign in to a publisher’s console',
  request: { params: PublisherParam },
  responses: {
    200: {
      description: 'The staff',
      content: { 'application/json': { schema: z.object({ data: z.array(StaffSchema) }) } },
    },
    ...problemResponses(401),
  },
});

const inviteRoute = createRoute({
  method: 'post',
  path: '/v1/admin/publishers/{id}/staff',
  operationId: 'invitePublisherStaff',
  tags,
  security: adminSecurity,
  summary: 'Invite someone to a publisher’s console (or change their role); they are mailed',
  description: '`owner` may manage keys, settings, webhooks and staff; `viewer` may only look.',
  request: {
    params: PublisherParam,
    body: jsonBody(
      z.object({ email: z.string().max(320), role: z.enum(STAFF_ROLES) }).openapi('StaffInvite'),
    ),
  },
  responses: {
    200: { description: 'The grant', content: { 'application/json': { schema: StaffSchema } } },
    ...problemResponses(400, 401, 403, 404, 415),
  },
});

const removeRoute = createRoute({
  method: 'delete',
  path: '/v1/admin/publishers/{id}/staff/{email}',
  operationId: 'removePublisherStaff',
  tags,
  security: adminSecurity,
  summary: 'End someone’s access to a publisher’s console',
  request: { params: PublisherParam.extend(EmailParam.shape) },
  responses: { 204: { description: 'Removed' }, ...problemResponses(401, 403, 404) },
});

export const consoleApiRoutes = new OpenAPIHono<AdminEnv>()
  .openapi(listUsers, async (c) =>
    c.json({ data: (await listAdminUsers(c.get('ctx'))).map(presentAdminUser) }, 200),
  )
  .openapi(grantUser, async (c) => {
    const row = await grantAdminUser({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: c.req.valid('json'),
    });
    return c.json(presentAdminUser(row), 200);
  })
  .openapi(revokeUser, async (c) => {
    await revokeAdminUser({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { email: c.req.valid('param').email },
    });
    return c.body(null, 204);
  })
  .openapi(listStaffRoute, async (c) =>
    c.json({ data: (await listStaff(c.get('ctx'), c.req.valid('param').id)).map(presentStaff) }, 200),
  )
  .openapi(inviteRoute, async (c) => {
    const row = await inviteStaff({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { publisherId: c.req.valid('param').id, ...c.req.valid('json') },
    });
    return c.json(presentStaff(row), 200);
  })
  .openapi(removeRoute, async (c) => {
    const { id, email } = c.req.valid('param');
    await removeStaff({ ctx: c.get('ctx'), principal: adminPrincipal(c), input: { publisherId: id, email } });
    return c.body(null, 204);
  });
