/** @module The reader's account lifecycle: password reset, export of their data, deletion (also by an admin). */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { isPlausibleEmail } from '../../domain/email';
import { clearSessionCookie, requireReader } from '../../http/auth';
import { adminSecurity, jsonBody, problemResponses, readerSecurity } from '../../http/shapes';
import { deleteOwnAccount, deleteReader } from './delete';
import { exportReader } from './export';
import { confirmPasswordReset, requestPasswordReset } from './password-reset';

const PasswordSchema = z
  .string()
  .min(8, { error: 'Password must be at least 8 characters' })
  .max(256, { error: 'Password must be at most 256 characters' });

const requestResetRoute = createRoute({
  method: 'post',
  path: '/v1/password-resets',
  tags: ['Readers'],
  summary: 'Mail a password reset link',
  description:
    'Always 202 with the same body, whether or not the email has an account. When it has, a link valid for ' +
    'one hour goes out by mail (at most 3 live links per account).',
  request: {
    body: jsonBody(
      z
        .object({
          email: z
            .string()
            .max(254)
            .refine(isPlausibleEmail, { error: 'Enter an email address like name@example.com' })
            .openapi({ example: 'reader@example.com' }),
        })
        .openapi('PasswordResetRequest'),
    ),
  },
  responses: {
    202: {
      description: 'Accepted (says nothing about whether the account exists)',
      content: { 'application/json': { schema: z.object({ accepted: z.literal(true) }) } },
    },
    ...problemResponses(400, 413, 415, 429, 503),
  },
});

const confirmResetRoute = createRoute({
  method: 'post',
  path: '/v1/password-resets/confirm',
  tags: ['Readers'],
  summary: 'Set a new password with a reset link token',
  description: 'The token works once, within an hour. Every session of the reader ends.',
  request: {
    body: jsonBody(
      z
        .object({
          token: z.string().max(200).openapi({ description: 'The `token` of the reset link.' }),
          password: PasswordSchema.openapi({ example: 'a new long passphrase' }),
        })
        .openapi('PasswordResetConfirmation'),
    ),
  },
  responses: {
    204: { description: 'Password changed; every session has ended' },
    ...problemResponses(400, 413, 415, 503),
  },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/v1/me/export',
  tags: ['Readers'],
  summary: 'Everything the service holds about the signed-in reader',
  description:
    'Table by table, under the database column names. Hashes of credentials are withheld (listed under ' +
    '`withheld`). Not cached anywhere (`Cache-Control: no-store`).',
  security: readerSecurity,
  middleware: [requireReader],
  responses: {
    200: {
      description: 'The export',
      content: {
        'application/json': {
          schema: z
            .object({
              format: z.literal('onepass-export/1'),
              exported_at: z.string(),
              reader_id: z.string(),
              password_set: z.boolean(),
              tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
              withheld: z.record(z.string(), z.record(z.string(), z.string())),
            })
            .openapi('AccountExport'),
        },
      },
    },
    ...problemResponses(401, 503),
  },
});

const deleteMeRoute = createRoute({
  method: 'delete',
  path: '/v1/me',
  tags: ['Readers'],
  summary: 'Delete the account',
  description:
    'Confirmed with the password. Cancels any Stripe subscription at once, then erases the email, the ' +
    'password and every session. Reads stay, anonymous; the free trial is not given again to the same person.',
  security: readerSecurity,
  middleware: [requireReader],
  request: {
    body: jsonBody(z.object({ password: z.string().min(1).max(256) }).openapi('AccountDeletion')),
  },
  responses: {
    204: { description: 'Deleted; the session no longer works' },
    ...problemResponses(400, 401, 413, 415, 503),
  },
});

const adminDeleteRoute = createRoute({
  method: 'delete',
  path: '/v1/admin/members/{id}',
  tags: ['Admin'],
  summary: 'Delete a member, as `DELETE /v1/me` does',
  security: adminSecurity,
  request: {
    params: z.object({ id: z.string().max(64).openapi({ example: 'rdr_abcdefghijklmnopqrst' }) }),
  },
  responses: {
    204: { description: 'Deleted (and written to the audit log)' },
    ...problemResponses(401, 403, 404, 503),
  },
});

export const accountRoutes = new OpenAPIHono<AppEnv>()
  .openapi(requestResetRoute, async (c) => {
    await requestPasswordReset({ ctx: c.get('ctx'), input: c.req.valid('json') });
    return c.json({ accepted: true as const }, 202);
  })
  .openapi(confirmResetRoute, async (c) => {
    await confirmPasswordReset({ ctx: c.get('ctx'), input: c.req.valid('json') });
    return c.body(null, 204);
  })
  .openapi(exportRoute, async (c) => {
    const data = await exportReader(c.get('ctx'), c.get('reader').reader.id);
    c.header('Cache-Control', 'no-store');
    c.header('Content-Disposition', 'attachment; filename="onepass-export.json"');
    return c.json(data, 200);
  })
  .openapi(deleteMeRoute, async (c) => {
    await deleteOwnAccount(c.get('ctx'), c.get('reader'), c.req.valid('json').password);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .openapi(adminDeleteRoute, async (c) => {
    await deleteReader(c.get('ctx'), c.req.valid('param').id, {
      audit: { actor: c.get('admin'), requestId: c.get('requestId') },
    });
    return c.body(null, 204);
  });
