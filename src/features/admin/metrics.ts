/**
 * @module Business numbers for admins, each an SQL aggregate (no rows are loaded into memory):
 * members by effective status now and paying members (from running counts and bounded ranges, not
 * a read of every membership), the trial cohort of a period and its conversion, churn. Definitions
 * are in docs/OPERATIONS.md.
 */

import { and, count, eq, gte, lt, sql } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { membersNow } from '../../db/member-counts';
import { memberships, readers, stripeEvents } from '../../db/schema';
import { type DayRange, rangeInstants } from '../../domain/days';
import type { MembershipStatus } from '../../domain/membership';
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
  const everPaid = sql`exists (select 1 from ${stripeEvents} where ${stripeEvents.readerId} = ${memberships.readerId} and ${stripeEvents.statusAfter} in ${PAID_STATUSES})`;
  const [current, [cohort], [churn], giftFigures] = await Promise.all([
    membersNow(ctx.db, now),
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
    giftMetrics(ctx, { start, end }),
  ]);
  const { members, activePaying } = current;
  const trialsStarted = Number(cohort?.started ?? 0);
  const trialsConverted = Number(cohort?.converted ?? 0);
  return {
    members,
    trialsStarted,
    trialsConverted,
    conversionRate:
      trialsStarted === 0 ? null : Math.round((trialsConverted / trialsStarted) * 10_000) / 10_000,
    churned: Number(churn?.n ?? 0),
    activePaying,
    gifts: giftFigures,
  };
}
