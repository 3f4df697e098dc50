/** @module The reader's account: password reset, the export of their data, deleting the account. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv, ReaderEnv } from '../../app/env';
import { clearSessionCookie } from '../../http/cookies';
import { jsonBody, problemResponses, publicSecurity, readerSecurity } from '../../http/openapi';
import { EmailSchema } from '../../http/shapes';
import { requireReader } from '../readers';
import { deleteOwnAccount } from './delete';
import { deviceRoutes } from './device-routes';
import { emailRoutes } from './email-routes';
import { exportOwnData } from './export';
import { confirmPasswordReset, requestPasswordReset } from './password-reset';
import { readingRoutes } from './reading-routes';

const PasswordSchema = z
  .string()
  .min(8, { error: 'Password must be at least 8 characters' })
  .max(256, { error: 'Password must be at most 256 characters' });

const requestResetRoute = createRoute({
  method: 'post',
  path: '/v1/password-resets',
  operationId: 'requestPasswordReset',
  security: publicSecurity,
  tags: ['Readers'],
  summary: 'Mail a password reset link',
  description:
    'Always 202 with the same body, whether or not the email has an account. When it has, a link valid for ' +
    'one hour goes out by mail (at most 3 live links per account).',
  request: {
    body: jsonBody(
      z
        .object({
          email: EmailSchema,
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
  operationId: 'confirmPasswordReset',
  security: publicSecurity,
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
  operationId: 'exportMe',
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
  operationId: 'deleteMe',
  tags: ['Readers'],
  summary: 'Delete the account',
  description:
    'Confirmed with the password, or with a mailed code (`POST /v1/sign-in/email` sends one). Cancels any Stripe subscription at once, then erases the email, the ' +
    'password and every session. Reads stay, anonymous; the free trial is not given again to the same person.',
  security: readerSecurity,
  middleware: [requireReader],
  request: {
    body: jsonBody(
      z
        .union([
          z.object({ password: z.string().min(1).max(256) }).strict(),
          z
            .object({
              code: z
                .string()
                .regex(/^\d{6}$/, { error: 'The code is 6 digits' })
                .openapi({
                  description: 'A code mailed by POST /v1/sign-in/email, for an account without a password.',
                }),
            })
            .strict(),
        ])
        .openapi('AccountDeletion'),
    ),
  },
  responses: {
    204: { description: 'Deleted; the session no longer works' },
    ...problemResponses(400, 401, 413, 415, 429, 503),
  },
});

/** Password resets: anyone may ask, the mailed token proves who it is. */
const resetRoutes = new OpenAPIHono<AppEnv>()
  .openapi(requestResetRoute, async (c) => {
    await requestPasswordReset({ ctx: c.get('ctx'), input: c.req.valid('json') });
    return c.json({ accepted: true as const }, 202);
  })
  .openapi(confirmResetRoute, async (c) => {
    await confirmPasswordReset({ ctx: c.get('ctx'), input: c.req.valid('json') });
    return c.body(null, 204);
  });

const ownRoutes = new OpenAPIHono<ReaderEnv>()
  .openapi(exportRoute, async (c) => {
    const data = await exportOwnData({ ctx: c.get('ctx'), principal: c.get('reader'), input: undefined });
    c.header('Cache-Control', 'no-store');
    c.header('Content-Disposition', 'attachment; filename="onepass-export.json"');
    return c.json(data, 200);
  })
  .openapi(deleteMeRoute, async (c) => {
    await deleteOwnAccount({ ctx: c.get('ctx'), principal: c.get('reader'), input: c.req.valid('json') });
    clearSessionCookie(c);
    return c.body(null, 204);
  });

export const accountRoutes = new OpenAPIHono<AppEnv>()
  .route('/', resetRoutes)
  .route('/', ownRoutes)
  .route('/', deviceRoutes)
  .route('/', emailRoutes)
  .route('/', readingRoutes);
