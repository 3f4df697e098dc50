/** @module Reader API: sign-in and sign-up by mail (a link and a 6-digit code), without a password. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { invalidRequest } from '../../app/errors';
import { parseNext } from '../../domain/redirects';
import { setSessionCookie } from '../../http/cookies';
import { jsonBody, problemResponses, publicSecurity } from '../../http/openapi';
import { EmailSchema } from '../../http/shapes';
import { confirmEmailSignIn, requestEmailSignIn, SIGN_IN_MAIL_TTL_SECONDS } from './email-sign-in';
import { presentSignedIn, SignedInSchema } from './present';

const RequestSchema = z
  .object({
    email: EmailSchema,
    return_to: z.string().max(2048).optional().openapi({
      description:
        "Where the mailed link's page continues once signed in: a path or URL on this service (e.g. `/access?publisher=…`).",
      example: '/account',
    }),
  })
  .openapi('EmailSignInRequest');

const ConfirmSchema = z
  .union([
    z
      .object({ token: z.string().min(1).max(200).openapi({ description: 'The token of the mailed link.' }) })
      .strict(),
    z
      .object({
        email: EmailSchema,
        code: z
          .string()
          .regex(/^\d{6}$/, { error: 'The code is 6 digits' })
          .openapi({ example: '042917' }),
      })
      .strict(),
  ])
  .openapi('EmailSignInConfirm');

const requestRoute = createRoute({
  method: 'post',
  path: '/v1/sign-in/email',
  operationId: 'requestEmailSignIn',
  security: publicSecurity,
  tags: ['Readers'],
  summary: 'Mail a sign-in link and code',
  description:
    `Always 202, the same whether or not the address has an account. The mail holds a link and a 6-digit code, each valid ${SIGN_IN_MAIL_TTL_SECONDS / 60} minutes and usable once; ` +
    'an address without an account gets the same mail and signs up by using it.',
  request: { body: jsonBody(RequestSchema) },
  responses: {
    202: {
      description: 'The mail is on its way',
      content: { 'application/json': { schema: z.object({ expires_in: z.number().int() }) } },
    },
    ...problemResponses(400, 413, 415, 429),
  },
});

const confirmRoute = createRoute({
  method: 'post',
  path: '/v1/sign-in/email/confirm',
  operationId: 'confirmEmailSignIn',
  security: publicSecurity,
  tags: ['Readers'],
  summary: 'Sign in with a mailed link or code',
  description:
    'Send `{token}` from the link or `{email, code}`. Signs in (201 with a new account and its trial when the address had none), ' +
    'sets the session cookie and marks the address verified. Wrong codes spend the account’s sign-in failure budget.',
  request: { body: jsonBody(ConfirmSchema) },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: SignedInSchema } } },
    201: {
      description: 'Account created and signed in',
      content: { 'application/json': { schema: SignedInSchema } },
    },
    ...problemResponses(400, 401, 409, 413, 415, 429),
  },
});

/** A path on this service, or an absolute URL on its origin, as the same-origin path it names. */
function continuationOf(raw: string, publicUrl: string): string | null {
  if (raw.startsWith('/')) return parseNext(raw, publicUrl);
  const url = URL.parse(raw);
  if (!url || url.origin !== new URL(publicUrl).origin) return null;
  return parseNext(`${url.pathname}${url.search}`, publicUrl);
}

export const emailSignInRoutes = new OpenAPIHono<AppEnv>()
  .openapi(requestRoute, async (c) => {
    const { email, return_to: returnTo } = c.req.valid('json');
    const ctx = c.get('ctx');
    const next = returnTo === undefined ? null : continuationOf(returnTo, ctx.config.publicUrl);
    if (returnTo !== undefined && next === null) {
      throw invalidRequest([{ path: 'return_to', message: 'Must be a path or URL on this service' }]);
    }
    await requestEmailSignIn({ ctx, input: { email, next } });
    return c.json({ expires_in: SIGN_IN_MAIL_TTL_SECONDS }, 202);
  })
  .openapi(confirmRoute, async (c) => {
    const result = await confirmEmailSignIn({ ctx: c.get('ctx'), input: c.req.valid('json') });
    setSessionCookie(c, result.sessionToken);
    const body = presentSignedIn(result, c.get('ctx').now());
    return result.created ? c.json(body, 201) : c.json(body, 200);
  });
