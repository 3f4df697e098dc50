/**
 * @module Business numbers for admins, each an SQL aggregate (no rows are loaded into memory):
 * members by effective status now and paying members (from running counts and bounded ranges, not
 * a read of every membership), the trial cohort of a period and its conversion, churn. Definitions
 * are in docs/OPERATIONS.md.
 */

import { sql } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { bucketSum, membersNow } from '../../db/member-counts';
import { memberships, stripeEvents } from '../../db/schema';
import { type DayRange, rangeInstants } from '../../domain/days';
import type { MembershipStatus } from '../../domain/membership';
import { epochSeconds } from '../../domain/time';
import { SECONDS_PER_DAY } from '../../domain/trial';
import { type GiftMetrics, giftMetrics } from '../gifts';
import type { AdminPrincipal } from './actors';

/**
 * Statuses a Stripe event leaves behind only when the reader has paid (or started a paid plan).
 * Migration 0024's triggers use the same list for the converted trials and the churn they count.
 */
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
  // Days since the epoch: the period's, and today's, whose canceled periods count up to now only.
  const dayOf = (seconds: number) => Math.floor(seconds / SECONDS_PER_DAY);
  const [fromDay, toDay, today] = [dayOf(from), dayOf(to), dayOf(t)];
  const endingToday =
    fromDay <= today && today < toDay
      ? sql`(select count(*) from ${memberships} where ${memberships.status} = 'canceled'
          and ${memberships.currentPeriodEnd} >= ${today * SECONDS_PER_DAY} and ${memberships.currentPeriodEnd} <= ${t} and ${everPaid})`
      : sql`0`;
  const [current, [period], giftFigures] = await Promise.all([
    membersNow(ctx.db, now),
    ctx.db
      .select({
        started: bucketSum('signup:trial', fromDay, toDay),
        converted: bucketSum('signup:converted', fromDay, toDay),
        churned: sql<number>`${bucketSum('churn:expired', fromDay, toDay)}
          + ${bucketSum('churn:canceled', fromDay, Math.min(toDay, today))} + ${endingToday}`,
      })
      .from(sql`(select 1)`),
    giftMetrics(ctx, { start, end }),
  ]);
  const { members, activePaying } = current;
  const trialsStarted = Number(period?.started ?? 0);
  const trialsConverted = Number(period?.converted ?? 0);
  return {
    members,
    trialsStarted,
    trialsConverted,
    conversionRate:
      trialsStarted === 0 ? null : Math.round((trialsConverted / trialsStarted) * 10_000) / 10_000,
    churned: Number(period?.churned ?? 0),
    activePaying,
    gifts: giftFigures,
  };
}
