/** @module Discovery: the JWKS publishers verify with, the paywall configuration and a health check. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { jwks } from './issue';

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

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Discovery'],
  summary: 'Liveness: answers without touching the database',
  responses: {
    200: { description: 'OK', content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } } },
  },
});

export const wellKnownRoutes = new OpenAPIHono<AppEnv>()
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
  })
  .openapi(healthRoute, (c) => c.json({ ok: true }, 200));
