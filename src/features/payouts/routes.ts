/** @module Admin API of payouts: monthly statements (created once per month and currency), as JSON or CSV. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AdminEnv } from '../../app/env';
import { MAX_PAYOUT_AMOUNT, MONTH_PATTERN } from '../../domain/payout';
import { rfc3339 } from '../../domain/time';
import { adminSecurity, jsonBody, PageQuery, problemResponses } from '../../http/openapi';
import { adminPrincipal } from '../admin';
import { createStatement, getStatement, listStatements, type Statement, statementCsv } from './statements';

const PayoutSchema = z
  .object({
    id: z.string().openapi({ example: 'pay_abcdefghijklmnopqrst' }),
    month: z.string().openapi({ example: '2026-11' }),
    amount: z.number().int().openapi({ example: 125000, description: 'Minor units.' }),
    currency: z.string().openapi({ example: 'EUR' }),
    reads: z.number().int().openapi({ description: 'All reads of the month the amount was split by.' }),
    created_at: z.string().openapi({ format: 'date-time' }),
    root: z.string().nullable().openapi({
      description:
        'Hex Merkle root over every counted read of the month (docs/STATEMENTS.md); null while unsigned.',
    }),
    statement: z
      .string()
      .nullable()
      .openapi({
        description:
          'The signed statement, a compact JWS (ES256, `typ: statement+jwt`). Null only for a statement made ' +
          'before statements were signed whose reads have changed since, so that it cannot be signed.',
      }),
    lines: z.array(
      z.object({
        publisher: z.string().openapi({ example: 'pub_abcdefghijklmnopqrst' }),
        publisher_name: z.string().openapi({ example: 'The Daily Example' }),
        reads: z.number().int(),
        amount: z.number().int().openapi({ description: 'Minor units; the lines sum to the amount.' }),
        root: z
          .string()
          .nullable()
          .openapi({ description: "Hex root of the subtree of the publisher's reads." }),
      }),
    ),
  })
  .openapi('PayoutStatement');

function presentStatement({ payout, lines }: Statement) {
  return {
    id: payout.id,
    month: payout.month,
    amount: payout.amount,
    currency: payout.currency,
    reads: payout.reads,
    created_at: rfc3339(payout.createdAt),
    root: payout.root,
    statement: payout.statement,
    lines: lines.map((l) => ({
      publisher: l.publisherId,
      publisher_name: l.publisherName,
      reads: l.reads,
      amount: l.amount,
      root: l.root,
    })),
  };
}

const statementAnswer = { content: { 'application/json': { schema: PayoutSchema } } };

const createPayoutRoute = createRoute({
  method: 'post',
  path: '/v1/admin/payouts',
  operationId: 'createPayoutStatement',
  tags: ['Admin'],
  summary: 'Split an amount across publishers by their reads in a month (stored once per month and currency)',
  description:
    'Largest-remainder split in integer minor units: the lines sum exactly to `amount`. The statement commits ' +
    'to every counted read of the month by a Merkle root and is signed (`statement`, docs/STATEMENTS.md) in the ' +
    'same write; each publisher fetches and verifies it at /v1/publisher/statements/{month}. Only months that have ' +
    'ended (UTC) can be paid out (409 otherwise); a month without reads is refused (409). The same month and ' +
    'currency again answers 200 with the stored statement, unchanged.',
  security: adminSecurity,
  request: {
    body: jsonBody(
      z
        .object({
          month: z
            .string()
            .regex(MONTH_PATTERN, { error: 'Must be a month like 2026-11' })
            .openapi({ example: '2026-11' }),
          amount: z.number().int().positive().max(MAX_PAYOUT_AMOUNT).openapi({ example: 125000 }),
          currency: z
            .string()
            .regex(/^[A-Z]{3}$/, { error: 'Must be an ISO 4217 code in capitals, like EUR' })
            .openapi({ example: 'EUR' }),
        })
        .openapi('PayoutRequest'),
    ),
  },
  responses: {
    201: { description: 'The new statement', ...statementAnswer },
    200: { description: 'The statement already stored for this month and currency', ...statementAnswer },
    ...problemResponses(400, 401, 403, 409, 415),
  },
});

const listPayoutsRoute = createRoute({
  method: 'get',
  path: '/v1/admin/payouts',
  operationId: 'listPayoutStatements',
  tags: ['Admin'],
  summary: 'Stored payout statements, newest first (without their lines)',
  security: adminSecurity,
  request: {
    query: PageQuery,
  },
  responses: {
    200: {
      description: 'A page of statements',
      content: {
        'application/json': {
          schema: z.object({
            data: z.array(PayoutSchema.omit({ lines: true, statement: true })),
            next_cursor: z.string().nullable(),
          }),
        },
      },
    },
    ...problemResponses(400, 401),
  },
});

const getPayoutRoute = createRoute({
  method: 'get',
  path: '/v1/admin/payouts/{id}',
  operationId: 'getPayoutStatement',
  tags: ['Admin'],
  summary: 'One payout statement, as JSON or CSV',
  description:
    'CSV (`text/csv`, a header line, RFC 4180 quoting) with `?format=csv` or the id suffixed `.csv`.',
  security: adminSecurity,
  request: {
    params: z.object({ id: z.string().min(1).max(68).openapi({ example: 'pay_abcdefghijklmnopqrst' }) }),
    query: z.object({ format: z.enum(['json', 'csv']).optional() }),
  },
  responses: {
    200: {
      description: 'The statement',
      content: {
        'application/json': { schema: PayoutSchema },
        'text/csv': {
          schema: z.string().openapi({ example: 'month,currency,publisher_id,publisher_name,reads,amount' }),
        },
      },
    },
    ...problemResponses(400, 401, 404),
  },
});

export const payoutRoutes = new OpenAPIHono<AdminEnv>()
  .openapi(createPayoutRoute, async (c) => {
    const result = await createStatement({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { ...c.req.valid('json') },
    });
    return result.created ? c.json(presentStatement(result), 201) : c.json(presentStatement(result), 200);
  })
  .openapi(listPayoutsRoute, async (c) => {
    const page = await listStatements({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: c.req.valid('query'),
    });
    const data = page.data.map((payout) => {
      const { lines: _lines, statement: _statement, ...rest } = presentStatement({ payout, lines: [] });
      return rest;
    });
    return c.json({ data, next_cursor: page.nextCursor }, 200);
  })
  .openapi(getPayoutRoute, async (c) => {
    const raw = c.req.valid('param').id;
    const csv = raw.endsWith('.csv') || c.req.valid('query').format === 'csv';
    const statement = await getStatement({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { id: raw.endsWith('.csv') ? raw.slice(0, -4) : raw },
    });
    if (!csv) return c.json(presentStatement(statement), 200);
    const name = `payout-${statement.payout.month}-${statement.payout.currency}.csv`;
    return c.body(statementCsv(statement), 200, {
      'content-type': 'text/csv; charset=utf-8; header=present',
      'content-disposition': `attachment; filename="${name}"`,
    });
  });
