/**
 * @module Business numbers for admins, each an SQL aggregate (no rows are loaded into memory):
 * members by effective status now, the trial cohort of a period and its conversion, churn, paying
 * members, and reads per publisher. Definitions are in docs/OPERATIONS.md.
 */
import { and, count, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { memberships, publishers, readers, reads, stripeEvents } from '../../db/schema';
import { MEMBERSHIP_STATUSES, type MembershipStatus } from '../../domain/membership';
import { epochSeconds } from '../../domain/time';
import { effectiveStatusSql } from '../members/list';

/** A period of whole UTC days, both ends included (`YYYY-MM-DD`). */
export interface DayRange {
  from: string;
  to: string;
}

/** The instants `[start, end)` that a day range covers. */
export function dayRangeInstants(range: DayRange): { start: Date; end: Date } {
  const start = new Date(`${range.from}T00:00:00Z`);
  const end = new Date(new Date(`${range.to}T00:00:00Z`).getTime() + 86_400_000);
  return { start, end };
}

/** Statuses a Stripe event leaves behind only when the reader has paid (or started a paid plan). */
const PAID_STATUSES = ['active', 'past_due', 'canceled'] as const;

export interface Metrics {
  members: Record<MembershipStatus, number>;
  trialsStarted: number;
  trialsConverted: number;
  conversionRate: number | null;
  churned: number;
  activePaying: number;
}

export async function metrics(ctx: AppContext, range: DayRange): Promise<Metrics> {
  const now = ctx.now();
  const t = epochSeconds(now);
  const { start, end } = dayRangeInstants(range);
  const from = epochSeconds(start);
  const to = epochSeconds(end);
  const status = effectiveStatusSql(now);
  const everPaid = sql`exists (select 1 from ${stripeEvents} where ${stripeEvents.readerId} = ${memberships.readerId} and ${stripeEvents.statusAfter} in ${PAID_STATUSES})`;
  const [byStatus, [cohort], [churn], [paying]] = await Promise.all([
    ctx.db
      .select({ status, n: count() })
      .from(memberships)
      .innerJoin(readers, eq(readers.id, memberships.readerId))
      .where(isNull(readers.deletedAt))
      .groupBy(status),
    ctx.db
      .select({
        started: count(),
        converted: sql<number>`coalesce(sum(case when ${everPaid} then 1 else 0 end), 0)`,
      })
      .from(readers)
      .innerJoin(memberships, eq(memberships.readerId, readers.id))
      .where(
        and(
          gte(readers.createdAt, start),
          lt(readers.createdAt, end),
          sql`${memberships.trialEndsAt} is not null`,
        ),
      ),
    ctx.db
      .select({ n: count() })
      .from(memberships)
      .where(
        sql`${everPaid} and (
          (${memberships.status} = 'expired' and ${memberships.updatedAt} >= ${from} and ${memberships.updatedAt} < ${to})
          or (${memberships.status} = 'canceled' and ${memberships.currentPeriodEnd} >= ${from}
              and ${memberships.currentPeriodEnd} < ${to} and ${memberships.currentPeriodEnd} <= ${t}))`,
      ),
    ctx.db
      .select({ n: count() })
      .from(memberships)
      .innerJoin(readers, eq(readers.id, memberships.readerId))
      .where(
        sql`${readers.deletedAt} is null and (${memberships.status} = 'active'
          or (${memberships.status} = 'past_due' and coalesce(${memberships.graceUntil}, 0) > ${t}))`,
      ),
  ]);
  const members = Object.fromEntries(MEMBERSHIP_STATUSES.map((s) => [s, 0])) as Record<
    MembershipStatus,
    number
  >;
  for (const row of byStatus) if (row.status in members) members[row.status] = Number(row.n);
  const trialsStarted = Number(cohort?.started ?? 0);
  const trialsConverted = Number(cohort?.converted ?? 0);
  return {
    members,
    trialsStarted,
    trialsConverted,
    conversionRate:
      trialsStarted === 0 ? null : Math.round((trialsConverted / trialsStarted) * 10_000) / 10_000,
    churned: Number(churn?.n ?? 0),
    activePaying: Number(paying?.n ?? 0),
  };
}

export interface PublisherReads {
  publisherId: string;
  name: string;
  reads: number;
  uniqueReaders: number;
}

/**
 * Reads and unique (pairwise) readers of every publisher over a day range, most read first. A
 * reader counts once per publisher; across publishers the same person has different pairwise ids.
 */
export async function readsByPublisher(ctx: AppContext, range: DayRange): Promise<PublisherReads[]> {
  const rows = await ctx.db
    .select({
      publisherId: publishers.id,
      name: publishers.name,
      reads: count(reads.publisherId),
      uniqueReaders: sql<number>`count(distinct ${reads.subject})`,
    })
    .from(publishers)
    .leftJoin(
      reads,
      and(eq(reads.publisherId, publishers.id), gte(reads.day, range.from), sql`${reads.day} <= ${range.to}`),
    )
    .groupBy(publishers.id, publishers.name)
    .orderBy(sql`count(${reads.publisherId}) desc`, publishers.id);
  return rows.map((r) => ({ ...r, reads: Number(r.reads), uniqueReaders: Number(r.uniqueReaders) }));
}
