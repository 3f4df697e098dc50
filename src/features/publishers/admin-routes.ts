/** @module Admin API of publishers: onboarding (key shown once), the list, one publisher, changes, key rotation. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AdminEnv } from '../../app/env';
import { ApiError } from '../../app/errors';
import { adminSecurity, jsonBody, PageQuery, pageOf, problemResponses } from '../../http/openapi';
import { PublisherSchema, presentPublisher } from '../../http/shapes';
import { adminPrincipal } from '../admin';
import { onboardPublisher, rotateKey, updatePublisher } from './admin';
import { getPublisher, listPublishers } from './directory';
import { OriginSchema, TitleFieldsSchema, titleFieldsOf } from './shapes';

const createPublisherRoute = createRoute({
  method: 'post',
  path: '/v1/admin/publishers',
  operationId: 'createPublisher',
  tags: ['Admin'],
  summary: 'Onboard a publisher; its API key is shown this once',
  security: adminSecurity,
  request: {
    body: jsonBody(
      z
        .object({
          name: z.string().trim().min(1).max(200).openapi({ example: 'The Daily Example' }),
          origins: z.array(OriginSchema).min(1).max(20),
        })
        .openapi('NewPublisher'),
    ),
  },
  responses: {
    201: {
      description: 'Created',
      content: {
        'application/json': {
          schema: z.object({
            publisher: PublisherSchema,
            api_key: z.string().openapi({ description: 'Shown once; store it as a secret.' }),
          }),
        },
      },
    },
    ...problemResponses(400, 401, 403, 415),
  },
});

const listPublishersRoute = createRoute({
  method: 'get',
  path: '/v1/admin/publishers',
  operationId: 'listPublishers',
  tags: ['Admin'],
  summary: 'List publishers',
  security: adminSecurity,
  request: {
    query: PageQuery,
  },
  responses: {
    200: {
      description: 'A page of publishers',
      content: {
        'application/json': {
          schema: pageOf(PublisherSchema),
        },
      },
    },
    ...problemResponses(400, 401),
  },
});

const rotateKeyRoute = createRoute({
  method: 'post',
  path: '/v1/admin/publishers/{id}/rotate-key',
  operationId: 'rotatePublisherKey',
  tags: ['Admin'],
  summary: "Replace a publisher's API key; the old key stops working at once",
  description: 'The new key is shown this once. Deploy it to the publisher site right after rotating.',
  security: adminSecurity,
  request: {
    params: z.object({ id: z.string().max(64).openapi({ example: 'pub_abcdefghijklmnopqrst' }) }),
  },
  responses: {
    200: {
      description: 'The new key',
      content: {
        'application/json': {
          schema: z
            .object({
              api_key: z.string().openapi({ description: 'Shown once; store it as a secret.' }),
              publisher: PublisherSchema,
            })
            .openapi('RotatedPublisherKey'),
        },
      },
    },
    ...problemResponses(401, 403, 404),
  },
});

const PublisherIdParams = z.object({
  id: z.string().max(64).openapi({ example: 'pub_abcdefghijklmnopqrst' }),
});

const getPublisherRoute = createRoute({
  method: 'get',
  path: '/v1/admin/publishers/{id}',
  operationId: 'getPublisher',
  tags: ['Admin'],
  summary: 'One publisher',
  security: adminSecurity,
  request: { params: PublisherIdParams },
  responses: {
    200: { description: 'The publisher', content: { 'application/json': { schema: PublisherSchema } } },
    ...problemResponses(401, 404),
  },
});

const patchPublisherRoute = createRoute({
  method: 'patch',
  path: '/v1/admin/publishers/{id}',
  operationId: 'updatePublisher',
  tags: ['Admin'],
  summary: "Change a publisher's name, registered origins or title fields",
  description:
    '`origins` replaces the whole list. `description`, `homepage_url` and `logo_url` are what readers see on ' +
    '`/titles`; null clears one. Audited.',
  security: adminSecurity,
  request: {
    params: PublisherIdParams,
    body: jsonBody(
      z
        .object({
          name: z.string().trim().min(1).max(200).optional().openapi({ example: 'The Daily Example' }),
          origins: z.array(OriginSchema).min(1).max(20).optional(),
          ...TitleFieldsSchema,
        })
        .refine((v) => Object.values(v).some((field) => field !== undefined), {
          error: 'Give at least one field to change',
        })
        .openapi('PublisherChange'),
    ),
  },
  responses: {
    200: { description: 'The publisher', content: { 'application/json': { schema: PublisherSchema } } },
    ...problemResponses(400, 401, 403, 404, 415),
  },
});

export const publisherAdminRoutes = new OpenAPIHono<AdminEnv>()
  .openapi(createPublisherRoute, async (c) => {
    const { publisher, apiKey } = await onboardPublisher({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { ...c.req.valid('json') },
    });
    return c.json({ publisher: presentPublisher(publisher), api_key: apiKey }, 201);
  })
  .openapi(listPublishersRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await listPublishers({ ctx: c.get('ctx'), input: { limit, cursor } });
    return c.json({ data: page.data.map(presentPublisher), next_cursor: page.nextCursor }, 200);
  })
  .openapi(rotateKeyRoute, async (c) => {
    const { publisher, apiKey } = await rotateKey({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { id: c.req.valid('param').id },
    });
    return c.json({ api_key: apiKey, publisher: presentPublisher(publisher) }, 200);
  })
  .openapi(getPublisherRoute, async (c) => {
    const publisher = await getPublisher(c.get('ctx'), c.req.valid('param').id);
    if (!publisher) throw new ApiError('not_found', 'No publisher has this id.');
    return c.json(presentPublisher(publisher), 200);
  })
  .openapi(patchPublisherRoute, async (c) => {
    const body = c.req.valid('json');
    const publisher = await updatePublisher({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { id: c.req.valid('param').id, name: body.name, origins: body.origins, ...titleFieldsOf(body) },
    });
    return c.json(presentPublisher(publisher), 200);
  });
