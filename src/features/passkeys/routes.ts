/**
 * @module Passkey API: a signed-in reader's passkeys (`/v1/me/passkeys`: list, registration options
 * and verification, removal) and the sign-in pair (`/v1/sign-in/passkey/options`, then
 * `/v1/sign-in/passkey`). Options and responses are WebAuthn's JSON as SimpleWebAuthn writes and
 * reads it (`@simplewebauthn/browser`'s startRegistration / startAuthentication take and give it).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv, ReaderEnv } from '../../app/env';
import { rfc3339, rfc3339OrNull } from '../../domain/time';
import { setSessionCookie } from '../../http/cookies';
import { jsonBody, problemResponses, publicSecurity, readerSecurity } from '../../http/openapi';
import { Timestamp } from '../../http/shapes';
import { presentSignedIn, requireReader, SignedInSchema } from '../readers';
import { CHALLENGE_TTL_SECONDS } from './challenges';
import { deletePasskey, listPasskeys, type Passkey } from './manage';
import { PASSKEY_NAME_MAX, registerPasskey, registrationOptions } from './register';
import { signInOptions, signInWithPasskey } from './sign-in';

const PasskeySchema = z
  .object({
    id: z.string().openapi({ description: 'The credential id (base64url).' }),
    name: z.string(),
    created_at: Timestamp,
    last_used_at: Timestamp.nullable(),
    device_type: z.string().openapi({
      description: '`singleDevice`, or `multiDevice` for a passkey the platform syncs between devices.',
    }),
    backed_up: z.boolean(),
  })
  .openapi('Passkey');

function presentPasskey(p: Passkey) {
  return {
    id: p.id,
    name: p.name,
    created_at: rfc3339(p.createdAt),
    last_used_at: rfc3339OrNull(p.lastUsedAt),
    device_type: p.deviceType,
    backed_up: p.backedUp,
  };
}

const b64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, { error: 'Must be base64url' });
const Extensions = z.record(z.string(), z.unknown());
const Credential = z.object({ id: b64url(1400), type: z.string() });

const CreationOptionsSchema = z
  .object({
    challenge: z.string(),
    rp: z.object({ name: z.string(), id: z.string().optional() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    pubKeyCredParams: z.array(z.object({ alg: z.number().int(), type: z.string() })),
    timeout: z.number().int().optional(),
    excludeCredentials: z.array(Credential.extend({ transports: z.array(z.string()).optional() })).optional(),
    authenticatorSelection: z
      .object({
        residentKey: z.string().optional(),
        requireResidentKey: z.boolean().optional(),
        userVerification: z.string().optional(),
        authenticatorAttachment: z.string().optional(),
      })
      .optional(),
    attestation: z.string().optional(),
    extensions: Extensions.optional(),
    hints: z.array(z.string()).optional(),
  })
  .openapi('PasskeyCreationOptions', {
    description: `PublicKeyCredentialCreationOptionsJSON: pass it to startRegistration({ optionsJSON }). The challenge is valid ${CHALLENGE_TTL_SECONDS / 60} minutes, once.`,
  });

const RequestOptionsSchema = z
  .object({
    challenge: z.string(),
    rpId: z.string().optional(),
    timeout: z.number().int().optional(),
    userVerification: z.string().optional(),
  })
  .openapi('PasskeyRequestOptions', {
    description: `PublicKeyCredentialRequestOptionsJSON, without allowCredentials (discoverable passkeys): pass it to startAuthentication({ optionsJSON }). The challenge is valid ${CHALLENGE_TTL_SECONDS / 60} minutes, once.`,
  });

const common = {
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key'),
  clientExtensionResults: Extensions.default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};

const RegistrationResponseSchema = z
  .looseObject({
    ...common,
    response: z.looseObject({
      clientDataJSON: b64url(4096),
      attestationObject: b64url(32_768),
      transports: z.array(z.string().max(32)).max(10).optional(),
    }),
  })
  .openapi('PasskeyRegistrationResponse', {
    description: 'RegistrationResponseJSON, as startRegistration() resolves it.',
  });

const AuthenticationResponseSchema = z
  .looseObject({
    ...common,
    response: z.looseObject({
      clientDataJSON: b64url(4096),
      authenticatorData: b64url(4096),
      signature: b64url(2048),
      userHandle: b64url(128).optional(),
    }),
  })
  .openapi('PasskeyAuthenticationResponse', {
    description: 'AuthenticationResponseJSON, as startAuthentication() resolves it.',
  });

const listRoute = createRoute({
  tags: ['Readers'],
  security: readerSecurity,
  middleware: [requireReader] as const,
  method: 'get',
  path: '/v1/me/passkeys',
  operationId: 'listMyPasskeys',
  summary: 'The reader’s passkeys',
  description: 'Newest first (at most 100). Public keys are never shown.',
  responses: {
    200: {
      description: 'The passkeys',
      content: { 'application/json': { schema: z.object({ data: z.array(PasskeySchema) }) } },
    },
    ...problemResponses(401),
  },
});

const registerOptionsRoute = createRoute({
  tags: ['Readers'],
  security: readerSecurity,
  middleware: [requireReader] as const,
  method: 'post',
  path: '/v1/me/passkeys/options',
  operationId: 'passkeyRegistrationOptions',
  summary: 'Options to add a passkey',
  description:
    'A discoverable credential (resident key required, user verification preferred, no attestation) for this ' +
    'service’s RP id, the hostname of PUBLIC_URL; the reader’s passkeys are excluded; the user handle is opaque.',
  responses: {
    200: {
      description: 'The creation options',
      content: { 'application/json': { schema: CreationOptionsSchema } },
    },
    ...problemResponses(401, 403),
  },
});

const registerRoute = createRoute({
  tags: ['Readers'],
  security: readerSecurity,
  middleware: [requireReader] as const,
  method: 'post',
  path: '/v1/me/passkeys',
  operationId: 'addMyPasskey',
  summary: 'Add a passkey',
  description:
    'Verifies the registration against the reader’s latest unspent options (once: a second try with the same ' +
    'challenge is refused), PUBLIC_URL’s origin and RP id. `name` defaults to "Passkey".',
  request: {
    body: jsonBody(
      z.object({
        response: RegistrationResponseSchema,
        name: z.string().max(PASSKEY_NAME_MAX).optional(),
      }),
    ),
  },
  responses: {
    201: { description: 'The passkey', content: { 'application/json': { schema: PasskeySchema } } },
    ...problemResponses(400, 401, 403, 409, 413, 415),
  },
});

const deleteRoute = createRoute({
  tags: ['Readers'],
  security: readerSecurity,
  middleware: [requireReader] as const,
  method: 'delete',
  path: '/v1/me/passkeys/{id}',
  operationId: 'deleteMyPasskey',
  summary: 'Remove a passkey',
  request: { params: z.object({ id: b64url(1400) }) },
  responses: { 204: { description: 'It no longer signs in' }, ...problemResponses(400, 401, 403, 404) },
});

const signInOptionsRoute = createRoute({
  method: 'post',
  path: '/v1/sign-in/passkey/options',
  operationId: 'passkeySignInOptions',
  security: publicSecurity,
  tags: ['Readers'],
  summary: 'Options to sign in with a passkey',
  description: 'Spends one unit of the per-IP sign-in budget (LIMIT_SIGNIN_IP).',
  responses: {
    200: {
      description: 'The request options',
      content: { 'application/json': { schema: RequestOptionsSchema } },
    },
    ...problemResponses(429),
  },
});

const signInRoute = createRoute({
  method: 'post',
  path: '/v1/sign-in/passkey',
  operationId: 'signInWithPasskey',
  security: publicSecurity,
  tags: ['Readers'],
  summary: 'Sign in with a passkey',
  description:
    'Verifies the assertion against unspent sign-in options, PUBLIC_URL’s origin and RP id, the stored public key ' +
    'and its signature counter; signs in as POST /v1/sessions does (the session cookie too). Every failure is the same ' +
    '401 and spends a unit of LIMIT_SIGNIN_IP. Does not mark the email verified.',
  request: { body: jsonBody(z.object({ response: AuthenticationResponseSchema })) },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: SignedInSchema } } },
    ...problemResponses(400, 401, 413, 415, 429),
  },
});

const ownRoutes = new OpenAPIHono<ReaderEnv>()
  .openapi(listRoute, async (c) => {
    const list = await listPasskeys({ ctx: c.get('ctx'), principal: c.get('reader'), input: undefined });
    return c.json({ data: list.map(presentPasskey) }, 200);
  })
  .openapi(registerOptionsRoute, async (c) => {
    const options = await registrationOptions({
      ctx: c.get('ctx'),
      principal: c.get('reader'),
      input: undefined,
    });
    return c.json(options, 200);
  })
  .openapi(registerRoute, async (c) => {
    const { response, name } = c.req.valid('json');
    const row = await registerPasskey({
      ctx: c.get('ctx'),
      principal: c.get('reader'),
      input: { response, name },
    });
    return c.json(presentPasskey(row), 201);
  })
  .openapi(deleteRoute, async (c) => {
    await deletePasskey({ ctx: c.get('ctx'), principal: c.get('reader'), input: c.req.valid('param') });
    return c.body(null, 204);
  });

const publicRoutes = new OpenAPIHono<AppEnv>()
  .openapi(signInOptionsRoute, async (c) =>
    c.json(await signInOptions({ ctx: c.get('ctx'), input: undefined }), 200),
  )
  .openapi(signInRoute, async (c) => {
    const { response } = c.req.valid('json');
    const result = await signInWithPasskey({ ctx: c.get('ctx'), input: { response } });
    setSessionCookie(c, result.sessionToken);
    return c.json(presentSignedIn(result, c.get('ctx').now()), 200);
  });

export const passkeyRoutes = new OpenAPIHono<AppEnv>().route('/', publicRoutes).route('/', ownRoutes);
