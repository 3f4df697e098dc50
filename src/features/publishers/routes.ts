/** @module Publisher API (publisher key): the calling publisher's own profile. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { PublisherEnv } from '../../app/env';
import { jsonBody, problemResponses, publisherSecurity } from '../../http/openapi';
import { PublisherSchema, presentPublisher } from '../../http/shapes';
import { publisherPrincipal, requirePublisher } from './middleware';
import { updatePublisherProfile } from './profile';
import { OriginSchema, TitleFieldsSchema, titleFieldsOf } from './shapes';

const profileRoute = createRoute({
  method: 'get',
  path: '/v1/publisher',
  operationId: 'getPublisherProfile',
  tags: ['Publishers'],
  summary: "The calling publisher's profile",
  security: publisherSecurity,
  middleware: [requirePublisher],
  responses: {
    200: { description: 'The publisher', content: { 'application/json': { schema: PublisherSchema } } },
    ...problemResponses(401),
  },
});

const updateProfileRoute = createRoute({
  method: 'patch',
  path: '/v1/publisher',
  operationId: 'updatePublisherProfile',
  tags: ['Publishers'],
  summary: "Change the calling publisher's name, origins or title fields",
  description:
    '`origins` replaces the whole list: the origins `/access` may send readers back to. `description`, ' +
    '`homepage_url` and `logo_url` are what readers see on `/titles` and in `GET /v1/titles`; null clears one.',
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: {
    body: jsonBody(
      z
        .object({
          name: z.string().trim().min(1).max(200).optional().openapi({ example: 'The Daily Example' }),
          origins: z
            .array(OriginSchema)
            .min(1)
            .max(20)
            .optional()
            .openapi({ example: ['https://daily.example', 'https://www.daily.example'] }),
          ...TitleFieldsSchema,
        })
        .refine((b) => Object.values(b).some((v) => v !== undefined), {
          error: 'Give at least one field to change',
        })
        .openapi('PublisherProfileChange'),
    ),
  },
  responses: {
    200: {
      description: 'The updated publisher',
      content: { 'application/json': { schema: PublisherSchema } },
    },
    ...problemResponses(400, 401, 413, 415),
  },
});

export const publisherRoutes = new OpenAPIHono<PublisherEnv>()
  .openapi(profileRoute, (c) => c.json(presentPublisher(c.get('publisher')), 200))
  .openapi(updateProfileRoute, async (c) => {
    const body = c.req.valid('json');
    const publisher = await updatePublisherProfile({
      ctx: c.get('ctx'),
      principal: publisherPrincipal(c),
      input: { name: body.name, origins: body.origins, ...titleFieldsOf(body) },
    });
    return c.json(presentPublisher(publisher), 200);
  });
