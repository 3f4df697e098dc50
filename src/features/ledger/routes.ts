/** @module Admin API of the reads ledger: where it stands (`GET /v1/admin/ledger`). */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AdminEnv } from '../../app/env';
import { rfc3339OrNull } from '../../domain/time';
import { adminSecurity, problemResponses } from '../../http/openapi';
import { Timestamp } from '../../http/shapes';
import { ledgerStatus } from './status';

const Day = z.string().openapi({ example: '2026-12-03' });

const LedgerStatusSchema = z
  .object({
    enabled: z
      .boolean()
      .openapi({ description: 'Whether the service runs the reads ledger (docs/LEDGER.md).' }),
    shards: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Ledger databases per month (LEDGER_SHARDS).' }),
    hot_days: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Days a sealed day stays in `reads` (READS_HOT_DAYS).' }),
    sealed_through: Day.nullable().openapi({ description: 'The latest sealed day.' }),
    trimmed_through: Day.nullable().openapi({ description: 'The latest day whose reads left `reads`.' }),
    backlog: z.array(Day).openapi({
      description:
        'Ended days whose reads wait to be sealed, oldest first (at most 31). More than a day or two means the ' +
        'scheduled runs cannot keep up (raise LEDGER_SEAL_PAGES) or a ring slot still holds an unarchived month.',
    }),
    months: z.array(
      z.object({
        month: z.string().openapi({ example: '2026-11' }),
        days_sealed: z.number().int(),
        reads: z.number().int().openapi({ description: 'Reads sealed into the month’s ledger.' }),
        statement_signed: z
          .boolean()
          .openapi({ description: 'A signed statement of the month exists: it can be archived.' }),
        archived_at: Timestamp.nullable().openapi({
          description: 'When the month was archived and its databases released.',
        }),
      }),
    ),
  })
  .openapi('LedgerStatus');

const ledgerStatusRoute = createRoute({
  method: 'get',
  path: '/v1/admin/ledger',
  operationId: 'getLedgerStatus',
  tags: ['Admin'],
  summary: 'Where the reads ledger stands: sealed days, the backlog, months and their archive',
  description: 'The last 12 months with sealed days, newest first. Without a ledger, `enabled` is false.',
  security: adminSecurity,
  responses: {
    200: { description: 'The ledger', content: { 'application/json': { schema: LedgerStatusSchema } } },
    ...problemResponses(401),
  },
});

export const ledgerRoutes = new OpenAPIHono<AdminEnv>().openapi(ledgerStatusRoute, async (c) => {
  const s = await ledgerStatus(c.get('ctx'));
  return c.json(
    {
      enabled: s.enabled,
      shards: s.shards,
      hot_days: s.hotDays,
      sealed_through: s.sealedThrough,
      trimmed_through: s.trimmedThrough,
      backlog: s.backlog,
      months: s.months.map((m) => ({
        month: m.month,
        days_sealed: m.daysSealed,
        reads: m.reads,
        statement_signed: m.statementSigned,
        archived_at: rfc3339OrNull(m.archivedAt),
      })),
    },
    200,
  );
});
