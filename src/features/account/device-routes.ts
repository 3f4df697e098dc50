/** @module Reader API: the signed-in devices, signing out everywhere else, and a new password. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ReaderEnv } from '../../app/env';
import { rfc3339 } from '../../domain/time';
import { jsonBody, problemResponses, readerSecurity } from '../../http/openapi';
import { Timestamp } from '../../http/shapes';
import { requireReader } from '../readers';
import { changePassword, listDevices, signOutOtherDevices } from './devices';

const DeviceSchema = z
  .object({
    id: z.string().openapi({ example: 'ses_abcdefghijklmnopqrst' }),
    created_at: Timestamp,
    expires_at: Timestamp,
    user_agent: z
      .string()
      .nullable()
      .openapi({ description: 'The User-Agent that signed in, if it sent one.' }),
    current: z.boolean().openapi({ description: 'The session of this request.' }),
  })
  .openapi('Device');

const listRoute = createRoute({
  method: 'get',
  path: '/v1/me/sessions',
  operationId: 'listMySessions',
  tags: ['Readers'],
  summary: 'The signed-in devices',
  description: 'Every live session of the reader, newest first (at most 100), this one marked `current`.',
  security: readerSecurity,
  middleware: [requireReader],
  responses: {
    200: {
      description: 'The sessions',
      content: { 'application/json': { schema: z.object({ data: z.array(DeviceSchema) }) } },
    },
    ...problemResponses(401),
  },
});

const endOthersRoute = createRoute({
  method: 'delete',
  path: '/v1/me/sessions',
  operationId: 'endMyOtherSessions',
  tags: ['Readers'],
  summary: 'Sign out everywhere else',
  description: 'Ends every session of the reader except the one making this request.',
  security: readerSecurity,
  middleware: [requireReader],
  responses: {
    200: {
      description: 'The other sessions no longer work',
      content: { 'application/json': { schema: z.object({ ended: z.number().int() }) } },
    },
    ...problemResponses(401, 403),
  },
});

const passwordRoute = createRoute({
  method: 'post',
  path: '/v1/me/password',
  operationId: 'changeMyPassword',
  tags: ['Readers'],
  summary: 'Change the password',
  description:
    'An account with a password gives it as `current_password` (checked within the sign-in failure budget); ' +
    'an account made by mail sets its first one without. Every other session ends; this one stays.',
  security: readerSecurity,
  middleware: [requireReader],
  request: {
    body: jsonBody(
      z
        .object({
          current_password: z.string().min(1).max(256).optional(),
          new_password: z
            .string()
            .min(8, { error: 'Password must be at least 8 characters' })
            .max(256, { error: 'Password must be at most 256 characters' }),
        })
        .openapi('PasswordChange'),
    ),
  },
  responses: {
    204: { description: 'Changed; other sessions have ended' },
    ...problemResponses(400, 401, 403, 413, 415, 429),
  },
});

export const deviceRoutes = new OpenAPIHono<ReaderEnv>()
  .openapi(listRoute, async (c) => {
    const devices = await listDevices({ ctx: c.get('ctx'), principal: c.get('reader'), input: undefined });
    const data = devices.map((d) => ({
      id: d.id,
      created_at: rfc3339(d.createdAt),
      expires_at: rfc3339(d.expiresAt),
      user_agent: d.userAgent,
      current: d.current,
    }));
    return c.json({ data }, 200);
  })
  .openapi(endOthersRoute, async (c) => {
    const ended = await signOutOtherDevices({
      ctx: c.get('ctx'),
      principal: c.get('reader'),
      input: undefined,
    });
    return c.json({ ended }, 200);
  })
  .openapi(passwordRoute, async (c) => {
    const body = c.req.valid('json');
    await changePassword({
      ctx: c.get('ctx'),
      principal: c.get('reader'),
      input: { currentPassword: body.current_password, newPassword: body.new_password },
    });
    return c.body(null, 204);
  });
