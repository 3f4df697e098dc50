/** @module Shapes of the admin reports: day-range queries (UTC days, both ends included), metrics, reads. */
import { z } from '@hono/zod-openapi';
import { invalidRequest } from '../../app/errors';
import { MEMBERSHIP_STATUSES, type MembershipStatus } from '../../domain/membership';
import type { DayRange } from '../admin/metrics';

const DAY_MS = 86_400_000;
/** Ten years: the aggregates are cheap, but an unbounded range is a typo more often than a wish. */
const MAX_SPAN_DAYS = 3660;
const DEFAULT_SPAN_DAYS = 30;

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Must be a UTC day like 2026-11-30' })
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'Must be a real calendar day');

export const DayRangeQuery = z.object({
  from: Day.optional().openapi({ example: '2026-11-01' }),
  to: Day.optional().openapi({ example: '2026-11-30' }),
});

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** The range asked for, with defaults: `to` today, `from` 29 days before `to` (30 days in all). */
export function resolveDayRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
): DayRange {
  const to = query.to ?? dayOf(now);
  const from =
    query.from ?? dayOf(new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_SPAN_DAYS - 1) * DAY_MS));
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (span < 1) throw invalidRequest([{ path: 'from', message: 'Must not be after `to`' }]);
  if (span > MAX_SPAN_DAYS) {
    throw invalidRequest([{ path: 'from', message: `The range may span at most ${MAX_SPAN_DAYS} days` }]);
  }
  return { from, to };
}

const count = z.number().int();

export const MetricsSchema = z
  .object({
    from: z.string().openapi({ example: '2026-11-01' }),
    to: z.string().openapi({ example: '2026-11-30' }),
    members: z
      .object(
        Object.fromEntries(MEMBERSHIP_STATUSES.map((s) => [s, count])) as Record<
          MembershipStatus,
          typeof count
        >,
      )
      .openapi({ description: 'Live members by the status shown now.' }),
    trials_started: count.openapi({ description: 'Readers who signed up in the period with a free trial.' }),
    trials_converted: count.openapi({ description: 'Of those, readers who have subscribed through Stripe.' }),
    conversion_rate: z
      .number()
      .nullable()
      .openapi({ description: 'trials_converted / trials_started (4 decimals); null without trials.' }),
    churned: count.openapi({ description: 'Paid memberships that ended in the period and are still ended.' }),
    active_paying: count.openapi({
      description: 'Members paying now: `active`, or `past_due` within grace.',
    }),
  })
  .openapi('Metrics');

export const ReadsReportSchema = z
  .object({
    from: z.string().openapi({ example: '2026-11-01' }),
    to: z.string().openapi({ example: '2026-11-30' }),
    reads: count,
    publishers: z.array(
      z.object({
        id: z.string().openapi({ example: 'pub_abcdefghijklmnopqrst' }),
        name: z.string(),
        reads: count,
        unique_readers: count.openapi({ description: 'Distinct readers (pairwise ids) of this publisher.' }),
      }),
    ),
  })
  .openapi('ReadsReport');
