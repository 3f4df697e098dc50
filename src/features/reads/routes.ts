/** @module Reads API: a publisher reports a read and sees its own days; admins see every publisher's totals. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AdminEnv, AppEnv, PublisherEnv } from '../../app/env';
import { READ_REFUSALS } from '../../db/schema';
import { DayRangeQuery, dayRangeOf } from '../../http/day-range';
import { adminSecurity, jsonBody, problemResponses, publisherSecurity } from '../../http/openapi';
import { adminPrincipal } from '../admin';
import { requirePublisher } from '../publishers';
import { recordRead } from './record';
import { publisherReads, readsByPublisher } from './report';
import { PublisherReadsSchema, ReadCountedSchema, ReadSchema, ReadsReportSchema } from './shapes';

const recordReadRoute = createRoute({
  method: 'post',
  path: '/v1/reads',
  operationId: 'reportRead',
  tags: ['Publishers'],
  summary: 'Report one full-text read',
  description:
    'One read counts per reader (pairwise `sub`), article and UTC day; a repeat (e.g. a retry) answers ' +
    "`counted: false`. The token must be active for the calling publisher: another publisher's token is " +
    '403 `forbidden`, any other inactive token 400 `invalid_request`. A token asked for one article counts ' +
    'only for that article (another is 400). A token asked for no article counts at most READS_UNBOUND_DAILY ' +
    '(default 20) reads per reader and UTC day for this publisher; beyond, `counted: false` with ' +
    '`reason: daily_allowance`. Every read not counted is counted per reason for admins (`GET /v1/admin/reads`).',
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: { body: jsonBody(ReadSchema) },
  responses: {
    202: {
      description: 'Accepted; `counted` is false, with its `reason`, when the read does not count',
      content: { 'application/json': { schema: ReadCountedSchema } },
    },
    ...problemResponses(400, 401, 403, 413, 415, 503),
  },
});

/** A publisher's own report: a year (and a day) at a time. */
const MAX_RANGE_DAYS = 366;
/** The admin report: ten years (the aggregates are cheap; an unbounded range is a typo more often than a wish). */
const ADMIN_MAX_RANGE_DAYS = 3660;

const readsReportRoute = createRoute({
  method: 'get',
  path: '/v1/publisher/reads',
  operationId: 'getPublisherReads',
  tags: ['Publishers'],
  summary: "The calling publisher's reads per UTC day",
  description:
    `Both dates included, at most ${MAX_RANGE_DAYS} days; default: the last 30 days up to today (UTC). ` +
    '`unique_readers` of the range counts each reader once (null when the range reaches past the days the ' +
    "service keeps every read of: READS_HOT_DAYS with the reads ledger). Only the caller's own reads are visible.",
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: {
    query: DayRangeQuery,
  },
  responses: {
    200: {
      description: 'Totals and one entry per day (days without reads included, as zeros)',
      content: {
        'application/json': {
          schema: PublisherReadsSchema,
        },
      },
    },
    ...problemResponses(400, 401, 503),
  },
});

const adminReadsRoute = createRoute({
  method: 'get',
  path: '/v1/admin/reads',
  operationId: 'getReadsByPublisher',
  tags: ['Admin'],
  summary: 'Reads and unique readers per publisher over a period',
  description: '`from` and `to` are UTC days, both included (default: the last 30 days).',
  security: adminSecurity,
  request: { query: DayRangeQuery },
  responses: {
    200: {
      description: 'Per publisher, most read first',
      content: { 'application/json': { schema: ReadsReportSchema } },
    },
    ...problemResponses(400, 401),
  },
});

const publisherReadRoutes = new OpenAPIHono<PublisherEnv>()
  .openapi(recordReadRoute, async (c) => {
    const counted = await recordRead({
      ctx: c.get('ctx'),
      principal: c.get('publisher'),
      input: c.req.valid('json'),
    });
    return c.json(counted, 202);
  })
  .openapi(readsReportRoute, async (c) => {
    const range = dayRangeOf(c.req.valid('query'), c.get('ctx').now(), MAX_RANGE_DAYS);
    return c.json(
      await publisherReads({ ctx: c.get('ctx'), principal: c.get('publisher'), input: range }),
      200,
    );
  });

const adminReadRoutes = new OpenAPIHono<AdminEnv>().openapi(adminReadsRoute, async (c) => {
  const range = dayRangeOf(c.req.valid('query'), c.get('ctx').now(), ADMIN_MAX_RANGE_DAYS);
  const rows = await readsByPublisher({ ctx: c.get('ctx'), principal: adminPrincipal(c), input: range });
  return c.json(
    {
      from: range.from,
      to: range.to,
      reads: rows.reduce((sum, r) => sum + r.reads, 0),
      publishers: rows.map((r) => ({
        id: r.publisherId,
        name: r.name,
        reads: r.reads,
        unique_readers: r.uniqueReaders,
        reads_per_reader: r.uniqueReaders ? Math.round((r.reads / r.uniqueReaders) * 100) / 100 : null,
        refused: Object.values(r.refused).reduce((a, b) => a + b, 0),
        refused_by_reason: Object.fromEntries(
          READ_REFUSALS.map((reason) => [reason, r.refused[reason] ?? 0]),
        ) as Record<(typeof READ_REFUSALS)[number], number>,
      })),
    },
    200,
  );
});

export const readRoutes = new OpenAPIHono<AppEnv>()
  .route('/', publisherReadRoutes)
  .route('/', adminReadRoutes);
