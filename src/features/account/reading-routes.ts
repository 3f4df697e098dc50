/** @module Reader API: "Your reading", the reader's own reading history across publishers. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ReaderEnv } from '../../app/env';
import { problemResponses, readerSecurity } from '../../http/openapi';
import { requireReader } from '../readers';
import { readingHistory } from './reading';

const ReadingEntrySchema = z
  .object({
    publisher: z.object({ id: z.string(), name: z.string() }),
    article: z.object({ id: z.string(), title: z.string().nullable(), url: z.string().nullable() }),
    date: z.string().openapi({ example: '2026-12-02', description: 'The UTC day of the read.' }),
  })
  .openapi('ReadingEntry');

const readingRoute = createRoute({
  method: 'get',
  path: '/v1/me/reads',
  operationId: 'listMyReads',
  tags: ['Readers'],
  summary: 'Your reading: what the reader read, on every publisher',
  description:
    'Newest first, 20 per page; pass `next_cursor` back as `cursor` for the next page. Where the service ' +
    'runs the reads ledger, the history covers the last READS_HOT_DAYS days (docs/LEDGER.md).',
  security: readerSecurity,
  middleware: [requireReader],
  request: { query: z.object({ cursor: z.string().max(2000).optional() }) },
  responses: {
    200: {
      description: 'One page of reads',
      content: {
        'application/json': {
          schema: z.object({ data: z.array(ReadingEntrySchema), next_cursor: z.string().nullable() }),
        },
      },
    },
    ...problemResponses(400, 401),
  },
});

export const readingRoutes = new OpenAPIHono<ReaderEnv>().openapi(readingRoute, async (c) => {
  const page = await readingHistory({
    ctx: c.get('ctx'),
    principal: c.get('reader'),
    input: { cursor: c.req.valid('query').cursor },
  });
  const data = page.data.map(({ publisher, article, date }) => ({ publisher, article, date }));
  return c.json({ data, next_cursor: page.nextCursor }, 200);
});
