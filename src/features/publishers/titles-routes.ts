/** @module `GET /v1/titles`: the member publishers as readers see them (name, description, homepage, logo), public. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import type { PublisherRow } from '../../db/schema';
import { PageQuery, pageOf, problemResponses, publicSecurity } from '../../http/openapi';
import { listPublishers } from './directory';

export const TitleSchema = z
  .object({
    id: z.string().openapi({ example: 'pub_abcdefghijklmnopqrst' }),
    name: z.string().openapi({ example: 'The Daily Example' }),
    description: z.string().nullable(),
    homepage_url: z.string().nullable(),
    logo_url: z.string().nullable(),
  })
  .openapi('Title');

export function presentTitle(p: PublisherRow) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    homepage_url: p.homepageUrl,
    logo_url: p.logoUrl,
  };
}

const titlesRoute = createRoute({
  method: 'get',
  path: '/v1/titles',
  operationId: 'listTitles',
  tags: ['Discovery'],
  security: publicSecurity,
  summary: 'The member publishers a membership opens',
  description:
    'Public, newest members first, in keyset pages (`limit` 1–100, default 20; `cursor` from `next_cursor`). ' +
    'Publishers set their own fields with `PATCH /v1/publisher`, admins with `PATCH /v1/admin/publishers/{id}`. ' +
    'Cached for five minutes. The same list is the page `/titles`.',
  request: { query: PageQuery },
  responses: {
    200: {
      description: 'A page of titles',
      content: { 'application/json': { schema: pageOf(TitleSchema) } },
    },
    ...problemResponses(400),
  },
});

export const titlesRoutes = new OpenAPIHono<AppEnv>().openapi(titlesRoute, async (c) => {
  const { limit, cursor } = c.req.valid('query');
  const page = await listPublishers({ ctx: c.get('ctx'), input: { limit, cursor } });
  c.header('Cache-Control', 'public, max-age=300');
  return c.json({ data: page.data.map(presentTitle), next_cursor: page.nextCursor }, 200);
});
