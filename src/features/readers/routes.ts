/** @module Reader API: sign-up, sign-in and sign-out, and the reader's own state. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv, ReaderEnv } from '../../app/env';
import { toMembership } from '../../db/memberships';
import { entitlementOf, verificationRequiredFrom } from '../../domain/membership';
import { rfc3339OrNull } from '../../domain/time';
import { clearSessionCookie, setSessionCookie } from '../../http/cookies';
import { jsonBody, problemResponses, publicSecurity, readerSecurity } from '../../http/openapi';
import {
  EmailSchema,
  EntitlementSchema,
  MembershipSchema,
  presentEntitlement,
  presentMembership,
  presentReader,
  ReaderSchema,
  Timestamp,
} from '../../http/shapes';
import { MeterSchema, meterStatus, presentMeter } from '../meter';
import { emailSignInRoutes } from './email-routes';
import { requireReader } from './middleware';
import { presentSignedIn, SignedInSchema } from './present';
import { endSession, entitlementOfReader } from './sessions';
import { signIn } from './sign-in';
import { signUp } from './sign-up';

const CredentialsSchema = z
  .object({
    email: EmailSchema,
    password: z
      .string()
      .min(8, { error: 'Password must be at least 8 characters' })
      .max(256, { error: 'Password must be at most 256 characters' })
      .openapi({ example: 'correct horse battery staple' }),
  })
  .openapi('Credentials');

const signUpRoute = createRoute({
  method: 'post',
  path: '/v1/readers',
  operationId: 'signUp',
  security: publicSecurity,
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
  operationId: 'createSession',
  security: publicSecurity,
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
  operationId: 'deleteCurrentSession',
  tags: ['Readers'],
  summary: 'Sign out',
  security: readerSecurity,
  middleware: [requireReader],
  responses: { 204: { description: 'The session no longer works' }, ...problemResponses(401) },
});

const meRoute = createRoute({
  method: 'get',
  path: '/v1/me',
  operationId: 'getMe',
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
            email_verification: z
              .object({
                verified: z.boolean(),
                required_from: Timestamp.nullable().openapi({
                  description:
                    'When a free trial on an unconfirmed address stops until it is confirmed (one day after sign-up; ' +
                    '`POST /v1/me/email/verify` mails a link and code); null when the rule does not apply.',
                }),
              })
              .openapi('EmailVerification'),
            meter: MeterSchema.optional().openapi({
              description:
                'The free articles of this month, when the meter is on (`METER_FREE_ARTICLES` > 0).',
            }),
          }),
        },
      },
    },
    ...problemResponses(401),
  },
});

/** Routes anyone may call: they make a session. */
const publicRoutes = new OpenAPIHono<AppEnv>()
  .openapi(signUpRoute, async (c) => {
    const result = await signUp({ ctx: c.get('ctx'), input: c.req.valid('json') });
    setSessionCookie(c, result.sessionToken);
    return c.json(presentSignedIn(result, c.get('ctx').now()), 201);
  })
  .openapi(signInRoute, async (c) => {
    const result = await signIn({ ctx: c.get('ctx'), input: c.req.valid('json') });
    setSessionCookie(c, result.sessionToken);
    return c.json(presentSignedIn(result, c.get('ctx').now()), 200);
  });

/** Routes of the signed-in reader. */
const ownRoutes = new OpenAPIHono<ReaderEnv>()
  .openapi(signOutRoute, async (c) => {
    await endSession(c.get('ctx'), c.get('reader').sessionId);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .openapi(meRoute, async (c) => {
    const now = c.get('ctx').now();
    const who = c.get('reader');
    const { reader, membershipRow } = who;
    const membership = toMembership(membershipRow);
    const entitlement = entitlementOfReader(who, now);
    const meter = await meterStatus(c.get('ctx'), reader.id);
    return c.json(
      {
        reader: presentReader(reader),
        membership: presentMembership(membership, now),
        entitlement: presentEntitlement(entitlement),
        email_verification: {
          verified: reader.emailVerifiedAt !== null,
          required_from: rfc3339OrNull(verificationRequiredFrom(reader, entitlementOf(membership, now))),
        },
        ...(meter ? { meter: presentMeter(meter) } : {}),
      },
      200,
    );
  });

export const readerRoutes = new OpenAPIHono<AppEnv>()
  .route('/', publicRoutes)
  .route('/', emailSignInRoutes)
  .route('/', ownRoutes);
