/**
 * @module Token API: issuing a reader's entitlement token, introspection for publishers, and the
 * discovery documents (JWKS, paywall configuration) publishers verify with.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv, PublisherEnv, ReaderEnv } from '../../app/env';
import { rfc3339 } from '../../domain/time';
import {
  jsonBody,
  problemResponses,
  publicSecurity,
  publisherSecurity,
  readerSecurity,
} from '../../http/openapi';
import { requirePublisher } from '../publishers';
import { requireReader } from '../readers';
import { inspectToken } from './introspect';
import { issueEntitlementToken } from './issue';
import { jwks } from './jwks';
import { IntrospectionSchema, TokenSchema } from './shapes';

const TokenRequestSchema = z
  .object({
    publisher: z.string().min(1).max(64).openapi({ example: 'pub_abcdefghijklmnopqrst' }),
    article: z.string().min(1).max(256).optional().openapi({ example: '2026-11-27-budget' }),
  })
  .openapi('EntitlementTokenRequest');

const tokenRoute = createRoute({
  method: 'post',
  path: '/v1/me/entitlement-token',
  operationId: 'issueEntitlementToken',
  tags: ['Readers'],
  summary: 'Get a short-lived entitlement token for one publisher',
  description:
    'Claims: `iss`, `aud` (the publisher), `sub` (pairwise), `iat`, `exp`, `jti`, `scope: "full_text"`, ' +
    '`membership` (`trial`, `paid`, `grace`, `comp`, `meter`, `gift`), `entitled_until`, and `article` when one ' +
    'was asked for. A reader without an entitlement who asks for one `article` gets a `meter` token while the ' +
    "month's free articles (`METER_FREE_ARTICLES`) last; it also carries `meter_used`, `meter_allowance` and " +
    '`meter_resets_at`. Once they are spent the 402 carries `meter: {used, allowance, resets_at}`. A free trial on ' +
    'an address never confirmed stops after its first day (402 `reason: "email_unverified"`).',
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

const introspectRoute = createRoute({
  method: 'post',
  path: '/v1/tokens/introspect',
  operationId: 'introspectToken',
  tags: ['Publishers'],
  summary: 'Is this entitlement token active now? (RFC 7662 semantics)',
  description:
    'Checks the signature (ES256, our active or previous keys), `typ`, `iss`, that `aud` is the calling ' +
    'publisher, `exp`, and then the live state: the reader exists, is not deleted, had no sessions revoked ' +
    'after `iat`, and is entitled now. Any failure answers `{"active": false}` and nothing else.',
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: { body: jsonBody(z.object({ token: TokenSchema }).openapi('IntrospectionRequest')) },
  responses: {
    200: {
      description: '`{active: true, ...claims}` or `{active: false}`',
      content: { 'application/json': { schema: IntrospectionSchema } },
    },
    ...problemResponses(400, 401, 413, 415, 503),
  },
});

const JwkSchema = z
  .object({
    kty: z.string(),
    crv: z.string(),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.string(),
  })
  .loose()
  .openapi('PublicJwk');

const jwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  operationId: 'getJwks',
  security: publicSecurity,
  tags: ['Discovery'],
  summary: 'Public keys of entitlement tokens (active and previous)',
  responses: {
    200: {
      description: 'JWK Set; cache for five minutes',
      content: { 'application/json': { schema: z.object({ keys: z.array(JwkSchema) }) } },
    },
  },
});

const configurationRoute = createRoute({
  method: 'get',
  path: '/.well-known/paywall-configuration',
  operationId: 'getPaywallConfiguration',
  security: publicSecurity,
  tags: ['Discovery'],
  summary: 'Endpoints and algorithms for publishers',
  responses: {
    200: {
      description: 'Configuration',
      content: {
        'application/json': {
          schema: z
            .object({
              issuer: z.string(),
              jwks_uri: z.string(),
              token_endpoint: z.string(),
              access_endpoint: z.string(),
              exchange_endpoint: z.string(),
              introspection_endpoint: z.string(),
              algorithms: z.array(z.string()),
              token_type: z.string(),
            })
            .openapi('PaywallConfiguration'),
        },
      },
    },
  },
});

const discoveryRoutes = new OpenAPIHono<AppEnv>()
  .openapi(jwksRoute, (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(jwks(c.get('ctx').config), 200);
  })
  .openapi(configurationRoute, (c) => {
    const base = c.get('ctx').config.publicUrl;
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(
      {
        issuer: base,
        jwks_uri: `${base}/.well-known/jwks.json`,
        token_endpoint: `${base}/v1/me/entitlement-token`,
        access_endpoint: `${base}/access`,
        exchange_endpoint: `${base}/v1/access/exchange`,
        introspection_endpoint: `${base}/v1/tokens/introspect`,
        algorithms: ['ES256'],
        token_type: 'entitlement+jwt',
      },
      200,
    );
  });

const readerTokenRoutes = new OpenAPIHono<ReaderEnv>().openapi(tokenRoute, async (c) => {
  const issued = await issueEntitlementToken({
    ctx: c.get('ctx'),
    principal: c.get('reader'),
    input: c.req.valid('json'),
  });
  return c.json({ token: issued.token, expires_at: rfc3339(issued.expiresAt) }, 200);
});

const publisherTokenRoutes = new OpenAPIHono<PublisherEnv>().openapi(introspectRoute, async (c) => {
  const inspection = await inspectToken({
    ctx: c.get('ctx'),
    principal: c.get('publisher'),
    input: c.req.valid('json'),
  });
  return c.json(inspection.active ? { active: true, ...inspection.claims } : { active: false }, 200);
});

export const tokenRoutes = new OpenAPIHono<AppEnv>()
  .route('/', discoveryRoutes)
  .route('/', readerTokenRoutes)
  .route('/', publisherTokenRoutes);
