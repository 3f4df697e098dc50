/** @module `/v1/publisher/keys`: a publisher lists, creates and revokes its own API keys. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { PublisherEnv } from '../../app/env';
import { jsonBody, problemResponses, publisherSecurity } from '../../http/openapi';
import { createPublisherKey, listPublisherKeys, presentPublisherKey, revokePublisherKey } from './api-keys';
import { publisherPrincipal, requirePublisher } from './middleware';

const PublisherKeySchema = z
  .object({
    id: z.string().openapi({ example: 'pkk_abcdefghijklmnopqrst' }),
    name: z.string(),
    key_prefix: z.string().openapi({ example: 'ppk_test_Xy12ab3' }),
    created_at: z.string(),
    created_by: z.string(),
    revoked_at: z.string().nullable(),
  })
  .openapi('PublisherKey');

const tag = ['Publishers'];

const listRoute = createRoute({
  method: 'get',
  path: '/v1/publisher/keys',
  operationId: 'listPublisherKeys',
  tags: tag,
  security: publisherSecurity,
  middleware: [requirePublisher],
  summary: 'The API keys of the calling publisher',
  description: 'Live keys first, then revoked ones; never the key itself, only its prefix.',
  responses: {
    200: {
      description: 'The keys',
      content: { 'application/json': { schema: z.object({ data: z.array(PublisherKeySchema) }) } },
    },
    ...problemResponses(401, 429),
  },
});

const createKeyRoute = createRoute({
  method: 'post',
  path: '/v1/publisher/keys',
  operationId: 'createPublisherKey',
  tags: tag,
  security: publisherSecurity,
  middleware: [requirePublisher],
  summary: 'Create another API key (shown once)',
  description:
    'To rotate without downtime: create a key, deploy it, then revoke the old one. At most 5 live keys.',
  request: { body: jsonBody(z.object({ name: z.string().min(1).max(100) })) },
  responses: {
    201: {
      description: 'The key; `api_key` is shown this once',
      content: {
        'application/json': { schema: z.object({ key: PublisherKeySchema, api_key: z.string() }) },
      },
    },
    ...problemResponses(400, 401, 409, 413, 415, 429),
  },
});

const revokeRoute = createRoute({
  method: 'delete',
  path: '/v1/publisher/keys/{id}',
  operationId: 'revokePublisherKey',
  tags: tag,
  security: publisherSecurity,
  middleware: [requirePublisher],
  summary: 'Revoke an API key at once',
  description: 'A key cannot revoke itself (409); revoking a revoked key changes nothing.',
  request: { params: z.object({ id: z.string().max(40) }) },
  responses: {
    200: { description: 'The revoked key', content: { 'application/json': { schema: PublisherKeySchema } } },
    ...problemResponses(401, 404, 409, 429),
  },
});

export const publisherKeyRoutes = new OpenAPIHono<PublisherEnv>()
  .openapi(listRoute, async (c) => {
    const keys = await listPublisherKeys(c.get('ctx'), c.get('publisher').id);
    return c.json({ data: keys.map(presentPublisherKey) }, 200);
  })
  .openapi(createKeyRoute, async (c) => {
    const { key, apiKey } = await createPublisherKey({
      ctx: c.get('ctx'),
      principal: publisherPrincipal(c),
      input: c.req.valid('json'),
    });
    return c.json({ key: presentPublisherKey(key), api_key: apiKey }, 201);
  })
  .openapi(revokeRoute, async (c) => {
    const key = await revokePublisherKey({
      ctx: c.get('ctx'),
      principal: publisherPrincipal(c),
      input: { id: c.req.valid('param').id, callingKeyId: c.get('publisherKeyId') },
    });
    return c.json(presentPublisherKey(key), 200);
  });
