/** @module Publisher API of payouts (publisher key): the publisher's own signed statements and leaves. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { PublisherEnv } from '../../app/env';
import { MONTH_PATTERN } from '../../domain/payout';
import { rfc3339 } from '../../domain/time';
import { PageQuery, problemResponses, publisherSecurity } from '../../http/openapi';
import { publisherPrincipal, requirePublisher } from '../publishers';
import { getPublisherStatement, listPublisherStatements, type PublisherStatement } from './publisher';

const MonthParam = z.object({
  month: z
    .string()
    .regex(MONTH_PATTERN, { error: 'Must be a month like 2026-11' })
    .openapi({ param: { name: 'month', in: 'path' }, example: '2026-11' }),
});

const LeavesQuery = z.object({
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'Must be an ISO 4217 code in capitals, like EUR' })
    .optional()
    .openapi({ description: 'Needed only when the month has statements in several currencies.' }),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000).openapi({
    description: 'Leaves per page (at most 10 000).',
  }),
  cursor: z.string().max(4000).optional().openapi({ description: '`next_cursor` of the page before.' }),
});

const OwnLineSchema = z.object({
  reads: z.number().int().openapi({ description: "This publisher's counted reads of the month." }),
  amount: z.number().int().openapi({ description: 'Minor units.' }),
  root: z.string().nullable().openapi({ description: "Hex root of the subtree of this publisher's reads." }),
});

const LeafSchema = z
  .object({
    subject: z.string().openapi({ description: 'Your pairwise subject of the reader (the token `sub`).' }),
    article_id: z.string(),
    day: z.string().openapi({ example: '2026-11-03' }),
  })
  .openapi('StatementLeaf');

const SummarySchema = z.object({
  id: z.string().openapi({ example: 'pay_abcdefghijklmnopqrst' }),
  month: z.string().openapi({ example: '2026-11' }),
  currency: z.string().openapi({ example: 'EUR' }),
  amount: z.number().int().openapi({ description: 'The whole amount split, minor units.' }),
  reads: z.number().int().openapi({ description: 'Every counted read of the month, all publishers.' }),
  root: z
    .string()
    .nullable()
    .openapi({ description: 'Hex Merkle root; null until an older statement is signed.' }),
  created_at: z.string().openapi({ format: 'date-time' }),
  line: OwnLineSchema,
});

const StatementAnswerSchema = SummarySchema.extend({
  publisher_id: z.string().openapi({ example: 'pub_abcdefghijklmnopqrst' }),
  statement: z.string().openapi({
    description:
      'The signed statement: a compact JWS (ES256, `typ: statement+jwt`, a key of /.well-known/jwks.json) ' +
      'whose payload lists every line and the root. docs/STATEMENTS.md specifies it.',
  }),
  leaves: z.array(LeafSchema).openapi({ description: 'A page of your own leaves, in tree order.' }),
  next_cursor: z
    .string()
    .nullable()
    .openapi({ description: 'Pass as `cursor` for the next page of leaves.' }),
  leaves_url: z.string().nullable().openapi({ description: 'The URL of the next page of leaves, if any.' }),
}).openapi('PublisherStatement');

const listRoute = createRoute({
  method: 'get',
  path: '/v1/publisher/statements',
  operationId: 'listPublisherStatements',
  tags: ['Publishers'],
  summary: 'Your payout statements, newest first, each with your own line',
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: { query: PageQuery },
  responses: {
    200: {
      description: 'A page of statements',
      content: {
        'application/json': {
          schema: z.object({ data: z.array(SummarySchema), next_cursor: z.string().nullable() }),
        },
      },
    },
    ...problemResponses(400, 401),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/publisher/statements/{month}',
  operationId: 'getPublisherStatement',
  tags: ['Publishers'],
  summary: 'A signed statement of a month, with your own leaves (paged) to verify it',
  description:
    'Verify it offline with `verifyStatement()` of `@onepass/verify/statement` or `npx @onepass/verify ' +
    'statement <file> --issuer <this service>` once every page of leaves is in the file (follow ' +
    '`next_cursor`, or raise `limit` to 10 000). Only your own leaves are ever returned. A statement made ' +
    'before statements were signed is signed on first fetch if the reads of its month are unchanged; ' +
    'otherwise 409. `currency` is needed when the month has statements in several currencies (400).',
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: { params: MonthParam, query: LeavesQuery },
  responses: {
    200: { description: 'The statement', content: { 'application/json': { schema: StatementAnswerSchema } } },
    ...problemResponses(400, 401, 404, 409),
  },
});

function ownLine(line: { reads: number; amount: number; root: string | null }) {
  return { reads: line.reads, amount: line.amount, root: line.root };
}

function present(found: PublisherStatement, leavesUrl: string | null) {
  return {
    id: found.payout.id,
    month: found.payout.month,
    currency: found.payout.currency,
    amount: found.payout.amount,
    reads: found.payout.reads,
    root: found.payout.root,
    created_at: rfc3339(found.payout.createdAt),
    line: ownLine(found.line),
    publisher_id: found.line.publisherId,
    statement: found.payout.statement ?? '',
    leaves: found.leaves,
    next_cursor: found.nextCursor,
    leaves_url: leavesUrl,
  };
}

export const publisherStatementRoutes = new OpenAPIHono<PublisherEnv>()
  .openapi(listRoute, async (c) => {
    const page = await listPublisherStatements({
      ctx: c.get('ctx'),
      principal: publisherPrincipal(c),
      input: c.req.valid('query'),
    });
    const data = page.data.map(({ payout, line }) => ({
      id: payout.id,
      month: payout.month,
      currency: payout.currency,
      amount: payout.amount,
      reads: payout.reads,
      root: payout.root,
      created_at: rfc3339(payout.createdAt),
      line: ownLine(line),
    }));
    return c.json({ data, next_cursor: page.nextCursor }, 200);
  })
  .openapi(getRoute, async (c) => {
    const { month } = c.req.valid('param');
    const query = c.req.valid('query');
    const found = await getPublisherStatement({
      ctx: c.get('ctx'),
      principal: publisherPrincipal(c),
      input: { month, ...query },
    });
    let leavesUrl: string | null = null;
    if (found.nextCursor) {
      const next = new URL(`${c.get('publicUrl')}/v1/publisher/statements/${month}`);
      next.searchParams.set('currency', found.payout.currency);
      next.searchParams.set('limit', String(query.limit));
      next.searchParams.set('cursor', found.nextCursor);
      leavesUrl = next.href;
    }
    return c.json(present(found, leavesUrl), 200);
  });
