/**
 * @module Business numbers for admins, each an SQL aggregate (no rows are loaded into memory):
 * members by effective status now, the trial cohort of a period and its conversion, churn, paying
 * members. Definitions are in docs/OPERATIONS.md.
 */

import { and, count, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { effectiveStatusSql } from '../../db/memberships';
import { memberships, readers, stripeEvents } from '../../db/schema';
import { type DayRange, rangeInstants } from '../../domain/days';
import { MEMBERSHIP_STATUSES, type MembershipStatus } from '../../domain/membership';
import { epochSeconds } from '../../domain/time';
import { type GiftMetrics, giftMetrics } from '../gifts';
import type { AdminPrincipal } from './actors';

/** Statuses a Stripe event leaves behind only when the reader has paid (or started a paid plan). */
const PAID_STATUSES = ['active', 'past_due', 'canceled'] as const;

export interface Metrics {
  members: Record<MembershipStatus, number>;
  trialsStarted: number;
  trialsConverted: number;
  conversionRate: number | null;
  churned: number;
  activePaying: number;
  gifts: GiftMetrics;
}

export async function metrics({ ctx, input: range }: UseCase<DayRange, AdminPrincipal>): Promise<Metrics> {
  const now = ctx.now();
  const t = epochSeconds(now);
  const { start, end } = rangeInstants(range);
  const from = epochSeconds(start);
  const to = epochSeconds(end);
  const status = effectiveStatusSql(now);
  const everPaid = sql`exists (select 1 from ${stripeEvents} where ${stripeEvents.readerId} = ${memberships.readerId} and ${stripeEvents.statusAfter} in ${PAID_STATUSES})`;
  const [byStatus, [cohort], [churn], [paying], giftFigures] = await Promise.all([
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
    giftMetrics(ctx, { start, end }),
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
    gifts: giftFigures,
  };
}
