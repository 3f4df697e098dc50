/** @module Reader API: confirming the account's address, and moving the account to another one. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ReaderEnv } from '../../app/env';
import { rfc3339 } from '../../domain/time';
import { jsonBody, problemResponses, readerSecurity } from '../../http/openapi';
import { EmailSchema, Timestamp } from '../../http/shapes';
import { requireReader, SIGN_IN_MAIL_TTL_SECONDS } from '../readers';
import {
  confirmEmailChange,
  confirmEmailVerification,
  requestEmailChange,
  requestEmailVerification,
} from './email';

const Code = z
  .string()
  .regex(/^\d{6}$/, { error: 'The code is 6 digits' })
  .openapi({ example: '042917' });

const MailedSchema = z
  .object({ expires_in: z.number().int().openapi({ description: 'Seconds the link and code stay valid.' }) })
  .openapi('MailSent');

const changeRoute = createRoute({
  method: 'post',
  path: '/v1/me/email',
  operationId: 'changeMyEmail',
  tags: ['Readers'],
  summary: 'Move the account to another address',
  description:
    'Mails the new address a link and a 6-digit code (valid 15 minutes, usable once; asking again voids the ' +
    'earlier ones). The account keeps its address until one of them is used; then the old address is told. ' +
    'Answers the same whether or not the new address has an account: that is told only at confirmation, ' +
    'to whoever reads its mail (409 `email_taken`).',
  security: readerSecurity,
  middleware: [requireReader],
  request: { body: jsonBody(z.object({ email: EmailSchema }).openapi('EmailChangeRequest')) },
  responses: {
    202: { description: 'The mail is on its way', content: { 'application/json': { schema: MailedSchema } } },
    ...problemResponses(400, 401, 403, 413, 415, 429),
  },
});

const confirmChangeRoute = createRoute({
  method: 'post',
  path: '/v1/me/email/confirm',
  operationId: 'confirmMyEmailChange',
  tags: ['Readers'],
  summary: 'Confirm the new address with its mailed link token or code',
  description:
    'Send `{token}` (from the link) or `{code}`. The account takes the new address, which counts as verified; ' +
    'the old address gets a mail saying so. Wrong codes spend the account’s sign-in failure budget. ' +
    'The link also works without a session, on its page (`/account/email/confirm`).',
  security: readerSecurity,
  middleware: [requireReader],
  request: {
    body: jsonBody(
      z
        .union([z.object({ token: z.string().min(1).max(200) }).strict(), z.object({ code: Code }).strict()])
        .openapi('EmailChangeConfirm'),
    ),
  },
  responses: {
    200: {
      description: 'The account has its new address',
      content: {
        'application/json': { schema: z.object({ email: z.string(), email_verified_at: Timestamp }) },
      },
    },
    ...problemResponses(400, 401, 403, 409, 413, 415, 429),
  },
});

const verifyRoute = createRoute({
  method: 'post',
  path: '/v1/me/email/verify',
  operationId: 'requestMyEmailVerification',
  tags: ['Readers'],
  summary: 'Mail a link and code that confirm the account’s address',
  description:
    'A free trial on an address never confirmed lasts one day from sign-up, then goes on once the address is ' +
    'confirmed (`GET /v1/me` shows `email_verification`). The link signs in where it is opened; the code is ' +
    'sent to `POST /v1/me/email/verify/confirm`. 409 `conflict` when the address is confirmed already.',
  security: readerSecurity,
  middleware: [requireReader],
  responses: {
    202: { description: 'The mail is on its way', content: { 'application/json': { schema: MailedSchema } } },
    ...problemResponses(401, 403, 409, 429),
  },
});

const verifyConfirmRoute = createRoute({
  method: 'post',
  path: '/v1/me/email/verify/confirm',
  operationId: 'confirmMyEmailVerification',
  tags: ['Readers'],
  summary: 'Confirm the account’s address with the mailed code',
  description: 'Wrong codes spend the account’s sign-in failure budget. The session stays as it is.',
  security: readerSecurity,
  middleware: [requireReader],
  request: { body: jsonBody(z.object({ code: Code }).strict().openapi('EmailVerificationConfirm')) },
  responses: {
    200: {
      description: 'Confirmed',
      content: { 'application/json': { schema: z.object({ email_verified_at: Timestamp }) } },
    },
    ...problemResponses(400, 401, 403, 409, 413, 415, 429),
  },
});

export const emailRoutes = new OpenAPIHono<ReaderEnv>()
  .openapi(changeRoute, async (c) => {
    const input = c.req.valid('json');
    await requestEmailChange({ ctx: c.get('ctx'), principal: c.get('reader'), input });
    return c.json({ expires_in: SIGN_IN_MAIL_TTL_SECONDS }, 202);
  })
  .openapi(confirmChangeRoute, async (c) => {
    const ctx = c.get('ctx');
    const moved = await confirmEmailChange({ ctx, principal: c.get('reader'), input: c.req.valid('json') });
    return c.json({ email: moved.email, email_verified_at: rfc3339(ctx.now()) }, 200);
  })
  .openapi(verifyRoute, async (c) => {
    await requestEmailVerification({ ctx: c.get('ctx'), principal: c.get('reader'), input: undefined });
    return c.json({ expires_in: SIGN_IN_MAIL_TTL_SECONDS }, 202);
  })
  .openapi(verifyConfirmRoute, async (c) => {
    const at = await confirmEmailVerification({
      ctx: c.get('ctx'),
      principal: c.get('reader'),
      input: c.req.valid('json'),
    });
    return c.json({ email_verified_at: rfc3339(at) }, 200);
  });
