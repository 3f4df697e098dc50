/**
 * @module The operator dashboard's numbers over time: trials started per day (from the trial
 * ledger), members by status per day and monthly recurring revenue (from the daily snapshot the
 * scheduled job records), and MRR now from the Stripe prices.
 */
import { and, count, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { membersNow, prunePastWindows } from '../../db/member-counts';
import { dailyMetrics, jobState, memberships, readers, trialClaims } from '../../db/schema';
import { type DayRange, daysOf, rangeInstants, utcDay } from '../../domain/days';
import { MEMBERSHIP_STATUSES, type Plan } from '../../domain/membership';
import { epochSeconds, wholeSeconds } from '../../domain/time';
import { callStripe } from '../billing';

/** The statuses the dashboard draws over time. */
export const STATUS_SERIES = ['trialing', 'active', 'past_due', 'canceled'] as const;

export interface DailyPoint {
  day: string;
  value: number;
}

/** Free trials started on each day of the range (deleted accounts included: the ledger keeps them). */
export async function trialsPerDay(ctx: AppContext, range: DayRange): Promise<number[]> {
  const { start, end } = rangeInstants(range);
  const day = sql<string>`strftime('%Y-%m-%d', ${trialClaims.claimedAt}, 'unixepoch')`;
  const rows = await ctx.db
    .select({ day, n: count() })
    .from(trialClaims)
    .where(and(gte(trialClaims.claimedAt, start), lt(trialClaims.claimedAt, end)))
    .groupBy(day);
  const found = new Map(rows.map((r) => [r.day, Number(r.n)]));
  return daysOf(range).map((d) => found.get(d) ?? 0);
}

/** Recorded daily values of some metrics over a range; a day not recorded is null (drawn as 0). */
export async function recordedSeries(
  ctx: AppContext,
  range: DayRange,
  metrics: readonly string[],
): Promise<Record<string, (number | null)[]>> {
  const rows = await ctx.db
    .select()
    .from(dailyMetrics)
    .where(
      and(
        inArray(dailyMetrics.metric, [...metrics]),
        gte(dailyMetrics.day, range.from),
        lte(dailyMetrics.day, range.to),
      ),
    );
  const byKey = new Map(rows.map((r) => [`${r.metric}|${r.day}`, r.value]));
  const days = daysOf(range);
  return Object.fromEntries(metrics.map((m) => [m, days.map((d) => byKey.get(`${m}|${d}`) ?? null)]));
}

export interface PlanPrice {
  /** Minor units per month (an annual price divided by 12, rounded). */
  monthly: number;
  currency: string;
}

const priceCache = new Map<string, { at: number; price: PlanPrice }>();
const PRICE_TTL_MS = 3_600_000;

/** What each plan brings in a month, from its Stripe price (cached an hour per isolate). */
export async function planPrices(ctx: AppContext): Promise<Record<Plan, PlanPrice>> {
  const ids: Record<Plan, string> = ctx.config.stripe.prices;
  const out = {} as Record<Plan, PlanPrice>;
  for (const plan of Object.keys(ids) as Plan[]) {
    const id = ids[plan];
    const cached = priceCache.get(id);
    if (cached && Date.now() - cached.at < PRICE_TTL_MS) {
      out[plan] = cached.price;
      continue;
    }
    const price = await callStripe(ctx, 'prices.retrieve', (stripe) => stripe.prices.retrieve(id));
    const amount = price.unit_amount ?? 0;
    const months =
      price.recurring?.interval === 'year'
        ? 12 * (price.recurring.interval_count ?? 1)
        : (price.recurring?.interval_count ?? 1);
    const value = { monthly: Math.round(amount / months), currency: price.currency };
    priceCache.set(id, { at: Date.now(), price: value });
    out[plan] = value;
  }
  return out;
}

/** Members who pay now (active, or past due within grace), by plan. */
export async function payingByPlan(ctx: AppContext): Promise<Record<Plan, number>> {
  const t = epochSeconds(ctx.now());
  const rows = await ctx.db
    .select({ plan: memberships.plan, n: count() })
    .from(memberships)
    .innerJoin(readers, eq(readers.id, memberships.readerId))
    .where(
      sql`${readers.deletedAt} is null and ${memberships.plan} is not null and (${memberships.status} = 'active'
        or (${memberships.status} = 'past_due' and coalesce(${memberships.graceUntil}, 0) > ${t}))`,
    )
    .groupBy(memberships.plan);
  const out: Record<Plan, number> = { monthly: 0, annual: 0 };
  for (const row of rows) if (row.plan) out[row.plan] = Number(row.n);
  return out;
}

/** Monthly recurring revenue in minor units of the prices' currency, or null when Stripe cannot say. */
export async function monthlyRecurringRevenue(
  ctx: AppContext,
): Promise<{ amount: number; currency: string } | null> {
  try {
    const [prices, paying] = await Promise.all([planPrices(ctx), payingByPlan(ctx)]);
    const amount = prices.monthly.monthly * paying.monthly + prices.annual.monthly * paying.annual;
    return { amount, currency: prices.monthly.currency };
  } catch (err) {
    ctx.logger.warn('MRR unavailable', { error: err instanceof Error ? err.message : String(err) });
    return null;
  }
}

/** How often the snapshot is taken at most: the scheduled job runs every minute, the numbers need not. */
export const METRICS_EVERY_SECONDS = 15 * 60;

/**
 * Records today's members by effective status and MRR (scheduled job), and drops the running
 * counts' window buckets of past hours, at most once per METRICS_EVERY_SECONDS: the run is claimed
 * by one conditional upsert of its job row, so concurrent runs record once. Re-running on the same day overwrites the day's values, so the last run of a
 * day is what the chart keeps. Returns whether it recorded.
 */
export async function recordDailyMetrics(ctx: AppContext): Promise<boolean> {
  const now = ctx.now();
  const nowSeconds = wholeSeconds(now);
  const claimed = await ctx.db
    .insert(jobState)
    .values({ name: 'daily_metrics', lastRunAt: nowSeconds })
    .onConflictDoUpdate({
      target: jobState.name,
      set: { lastRunAt: nowSeconds },
      setWhere: sql`coalesce(${jobState.lastRunAt}, 0) <= ${epochSeconds(now) - METRICS_EVERY_SECONDS}`,
    })
    .returning({ name: jobState.name });
  if (claimed.length === 0) return false;
  const day = utcDay(now);
  const { members } = await membersNow(ctx.db, now);
  const values = MEMBERSHIP_STATUSES.map((s) => ({ day, metric: `members.${s}`, value: members[s] }));
  const mrr = await monthlyRecurringRevenue(ctx);
  if (mrr) values.push({ day, metric: 'mrr', value: mrr.amount });
  await ctx.db.batch([
    ctx.db
      .insert(dailyMetrics)
      .values(values)
      .onConflictDoUpdate({
        target: [dailyMetrics.day, dailyMetrics.metric],
        set: { value: sql`excluded.value` },
      }),
    prunePastWindows(ctx.db, now),
  ]);
  return true;
}
