/** @module Reader API: sign-up, sessions, the reader's own state and entitlement tokens. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { isPlausibleEmail } from '../../domain/email';
import { readerEntitlement } from '../../domain/membership';
import { rfc3339 } from '../../domain/time';
import { clearSessionCookie, requireReader, setSessionCookie } from '../../http/auth';
import {
  EntitlementSchema,
  jsonBody,
  MembershipSchema,
  presentEntitlement,
  presentMembership,
  presentReader,
  problemResponses,
  ReaderSchema,
  readerSecurity,
} from '../../http/shapes';
import { issueEntitlementToken } from '../tokens/issue';
import { endSession, toMembership } from './sessions';
import { signIn, signUp } from './sign-in';

const CredentialsSchema = z
  .object({
    email: z
      .string()
      .max(254, { error: 'Email must be at most 254 characters' })
      .refine(isPlausibleEmail, { error: 'Enter an email address like name@example.com' })
      .openapi({ example: 'reader@example.com' }),
    password: z
      .string()
      .min(8, { error: 'Password must be at least 8 characters' })
      .max(256, { error: 'Password must be at most 256 characters' })
      .openapi({ example: 'correct horse battery staple' }),
  })
  .openapi('Credentials');

const SignedInSchema = z
  .object({
    reader: ReaderSchema,
    membership: MembershipSchema.nullable(),
    session_token: z.string().openapi({ description: 'Send as `Authorization: Bearer <token>`.' }),
  })
  .openapi('SignedIn');

const TokenRequestSchema = z
  .object({
    publisher: z.string().min(1).max(64).openapi({ example: 'pub_abcdefghijklmnopqrst' }),
    article: z.string().min(1).max(256).optional().openapi({ example: '2026-11-27-budget' }),
  })
  .openapi('EntitlementTokenRequest');

const signUpRoute = createRoute({
  method: 'post',
  path: '/v1/readers',
  tags: ['Readers'],
  summary: 'Sign up and start the free trial',
  request: { body: jsonBody(CredentialsSchema) },
  responses: {
    201: {
      description: 'Account created; the trial has started',
      content: { 'application/json': { schema: SignedInSchema } },
    },
    ...problemResponses(400, 409, 413, 415, 429),
  },
});

const signInRoute = createRoute({
  method: 'post',
  path: '/v1/sessions',
  tags: ['Readers'],
  summary: 'Sign in',
  description: 'Answers the same 401 whether or not the email has an account.',
  request: { body: jsonBody(CredentialsSchema) },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: SignedInSchema } } },
    ...problemResponses(400, 401, 413, 415, 429),
  },
});

const signOutRoute = createRoute({
  method: 'delete',
  path: '/v1/sessions/current',
  tags: ['Readers'],
  summary: 'Sign out',
  security: readerSecurity,
  middleware: [requireReader],
  responses: { 204: { description: 'The session no longer works' }, ...problemResponses(401) },
});

const meRoute = createRoute({
  method: 'get',
  path: '/v1/me',
  tags: ['Readers'],
  summary: 'The signed-in reader, their membership and entitlement now',
  security: readerSecurity,
  middleware: [requireReader],
  responses: {
    200: {
      description: 'The reader',
      content: {
        'application/json': {
          schema: z.object({
            reader: ReaderSchema,
            membership: MembershipSchema.nullable(),
            entitlement: EntitlementSchema,
          }),
        },
      },
    },
    ...problemResponses(401),
  },
});

const tokenRoute = createRoute({
  method: 'post',
  path: '/v1/me/entitlement-token',
  tags: ['Readers'],
  summary: 'Get a short-lived entitlement token for one publisher',
  security: readerSecurity,
  middleware: [requireReader],
  request: { body: jsonBody(TokenRequestSchema) },
  responses: {
    200: {
      description: 'A signed ES256 token (JWS compact)',
      content: {
        'application/json': {
          schema: z.object({ token: z.string(), expires_at: z.string() }).openapi('EntitlementToken'),
        },
      },
    },
    ...problemResponses(400, 401, 402, 404, 415),
  },
});

export const readerRoutes = new OpenAPIHono<AppEnv>()
  .openapi(signUpRoute, async (c) => {
    const ctx = c.get('ctx');
    const result = await signUp({ ctx, input: c.req.valid('json') });
    setSessionCookie(c, result.sessionToken);
    return c.json(
      {
        reader: presentReader(result.reader),
        membership: presentMembership(result.membership, ctx.now()),
        session_token: result.sessionToken,
      },
      201,
    );
  })
  .openapi(signInRoute, async (c) => {
    const ctx = c.get('ctx');
    const result = await signIn({ ctx, input: c.req.valid('json') });
    setSessionCookie(c, result.sessionToken);
    return c.json(
      {
        reader: presentReader(result.reader),
        membership: presentMembership(result.membership, ctx.now()),
        session_token: result.sessionToken,
      },
      200,
    );
  })
  .openapi(signOutRoute, async (c) => {
    await endSession(c.get('ctx'), c.get('reader').sessionId);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .openapi(meRoute, (c) => {
    const now = c.get('ctx').now();
    const { reader, membershipRow } = c.get('reader');
    const membership = toMembership(membershipRow);
    return c.json(
      {
        reader: presentReader(reader),
        membership: presentMembership(membership, now),
        entitlement: presentEntitlement(readerEntitlement(reader, membership, now)),
      },
      200,
    );
  })
  .openapi(tokenRoute, async (c) => {
    const issued = await issueEntitlementToken(c.get('ctx'), c.get('reader'), c.req.valid('json'));
    return c.json({ token: issued.token, expires_at: rfc3339(issued.expiresAt) }, 200);
  });
