/** @module Admin API: publishers (onboarding, profile, key rotation) and the trial end of a member. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { ApiError } from '../../app/errors';
import {
  adminSecurity,
  jsonBody,
  MembershipSchema,
  PageQuery,
  PublisherSchema,
  pageOf,
  presentMembership,
  presentPublisher,
  problemResponses,
} from '../../http/shapes';
import { setTrialEnd } from '../members/actions';
import { auditOf } from '../members/routes';
import { getPublisher, listPublishers } from './keys';
import { onboardPublisher, rotateKey, updatePublisher } from './onboard';

/** An origin (`https://news.example` or `http://localhost:3000`): scheme, host, port and nothing else. */
export const OriginSchema = z
  .string()
  .max(2048)
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Must be an absolute URL like https://news.example' });
      return z.NEVER;
    }
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare) {
      ctx.addIssue({
        code: 'custom',
        message: 'Must be an origin: http(s)://host[:port], no path, query or credentials',
      });
      return z.NEVER;
    }
    return url.origin;
  })
  .openapi({ type: 'string', example: 'https://news.example' });

const createPublisherRoute = createRoute({
  method: 'post',
  path: '/v1/admin/publishers',
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
  tags: ['Admin'],
  summary: "Change a publisher's name or registered origins",
  description: '`origins` replaces the whole list.',
  security: adminSecurity,
  request: {
    params: PublisherIdParams,
    body: jsonBody(
      z
        .object({
          name: z.string().trim().min(1).max(200).optional().openapi({ example: 'The Daily Example' }),
          origins: z.array(OriginSchema).min(1).max(20).optional(),
        })
        .refine((v) => v.name !== undefined || v.origins !== undefined, {
          error: 'Give name, origins or both',
        })
        .openapi('PublisherChange'),
    ),
  },
  responses: {
    200: { description: 'The publisher', content: { 'application/json': { schema: PublisherSchema } } },
    ...problemResponses(400, 401, 403, 404, 415),
  },
});

const trialRoute = createRoute({
  method: 'post',
  path: '/v1/admin/members/{id}/trial',
  tags: ['Admin'],
  summary: "Set a member's free-trial end (a time in the past ends it)",
  security: adminSecurity,
  request: {
    params: z.object({ id: z.string().max(64).openapi({ example: 'rdr_abcdefghijklmnopqrst' }) }),
    body: jsonBody(
      z.object({
        ends_at: z.iso.datetime({ offset: true }).openapi({ example: '2026-12-11T22:50:00Z' }),
      }),
    ),
  },
  responses: {
    200: { description: 'The membership', content: { 'application/json': { schema: MembershipSchema } } },
    ...problemResponses(400, 401, 403, 404, 409, 415),
  },
});

export const adminRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createPublisherRoute, async (c) => {
    const { publisher, apiKey } = await onboardPublisher({
      ctx: c.get('ctx'),
      input: { ...c.req.valid('json'), audit: auditOf(c) },
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
      input: { id: c.req.valid('param').id, audit: auditOf(c) },
    });
    return c.json({ api_key: apiKey, publisher: presentPublisher(publisher) }, 200);
  })
  .openapi(getPublisherRoute, async (c) => {
    const publisher = await getPublisher(c.get('ctx'), c.req.valid('param').id);
    if (!publisher) throw new ApiError('not_found', 'No publisher has this id.');
    return c.json(presentPublisher(publisher), 200);
  })
  .openapi(patchPublisherRoute, async (c) => {
    const publisher = await updatePublisher({
      ctx: c.get('ctx'),
      input: { id: c.req.valid('param').id, ...c.req.valid('json'), audit: auditOf(c) },
    });
    return c.json(presentPublisher(publisher), 200);
  })
  .openapi(trialRoute, async (c) => {
    const ctx = c.get('ctx');
    const membership = await setTrialEnd({
      ctx,
      input: {
        readerId: c.req.valid('param').id,
        endsAt: new Date(c.req.valid('json').ends_at),
        audit: auditOf(c),
      },
    });
    const shown = presentMembership(membership, ctx.now());
    if (!shown) throw new Error('membership vanished');
    return c.json(shown, 200);
  });
