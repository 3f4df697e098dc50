/**
 * @module The operator dashboard: the period's numbers (trials, conversion, churn, paying members,
 * MRR) and charts of trials started per day, members by status over time, MRR and reads per publisher.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { type DayRange, daysOf, resolveDayRange } from '../../domain/days';
import { metrics } from '../admin';
import { showFailure } from '../pages';
import { readsByPublisher } from '../reads';
import { BarChart, LineChart } from './charts';
import { money, RangeForm, Tiles } from './frame';
import { monthlyRecurringRevenue, recordedSeries, STATUS_SERIES, trialsPerDay } from './insights';
import { operatorPage, withOperator } from './operator-frame';

export const operatorDashboard = new OpenAPIHono<AppEnv>();
operatorDashboard.onError(showFailure);

const LIMITS = { maxDays: 366, defaultDays: 30 };

/**
 * The range cut into weeks (or 30-day spans past 92 days, so a year is 13 buckets), each measured
 * by the one metrics rule: its trial cohort's conversion and its churn.
 */
export function buckets(range: DayRange): DayRange[] {
  const days = daysOf(range);
  const size = days.length > 92 ? 30 : 7;
  const out: DayRange[] = [];
  for (let i = 0; i < days.length; i += size) {
    const chunk = days.slice(i, i + size);
    const [from] = chunk;
    const to = chunk.at(-1);
    if (from && to) out.push({ from, to });
  }
  return out;
}
const STATUS_NAMES: Record<(typeof STATUS_SERIES)[number], string> = {
  trialing: 'On trial',
  active: 'Active',
  past_due: 'Past due',
  canceled: 'Canceled',
};

operatorDashboard.get('/admin', (c) =>
  withOperator(c, async (s) => {
    const ctx = c.get('ctx');
    const asked = resolveDayRange(
      { from: c.req.query('from') || undefined, to: c.req.query('to') || undefined },
      ctx.now(),
      LIMITS,
    );
    const fallback = resolveDayRange({}, ctx.now(), LIMITS);
    const range = 'field' in asked ? ('field' in fallback ? null : fallback) : asked;
    if (!range) throw new Error('the default range is always valid');
    const spans = buckets(range);
    const [numbers, trials, recorded, perPublisher, mrr, perSpan] = await Promise.all([
      metrics({ ctx, principal: s.principal, input: range }),
      trialsPerDay(ctx, range),
      recordedSeries(ctx, range, [...STATUS_SERIES.map((st) => `members.${st}`), 'mrr']),
      readsByPublisher({ ctx, principal: s.principal, input: range }),
      monthlyRecurringRevenue(ctx),
      Promise.all(spans.map((span) => metrics({ ctx, principal: s.principal, input: span }))),
    ]);
    const spanLabels = spans.map((span) => span.from.slice(5));
    const labels = trials.map((_, i) => {
      const d = new Date(Date.parse(`${range.from}T00:00:00Z`) + i * 86_400_000);
      return d.toISOString().slice(5, 10);
    });
    const currency = mrr?.currency ?? 'eur';
    return operatorPage(c, s, {
      title: 'Dashboard',
      current: '/admin',
      error:
        'field' in asked
          ? `The range was refused (${asked.message.replace(/`/g, '')}); showing the last 30 days.`
          : undefined,
      status: 200,
      children: (
        <>
          <RangeForm action="/admin" from={range.from} to={range.to} />
          <Tiles
            items={[
              { label: 'Trials started', value: String(numbers.trialsStarted) },
              {
                label: 'Trial → paid',
                value:
                  numbers.conversionRate === null ? '—' : `${(numbers.conversionRate * 100).toFixed(1)} %`,
              },
              { label: 'Churned', value: String(numbers.churned) },
              { label: 'Paying members', value: String(numbers.activePaying) },
              { label: 'MRR now', value: mrr ? money(mrr.amount, mrr.currency) : 'Stripe unavailable' },
              { label: 'Past due now', value: String(numbers.members.past_due) },
            ]}
          />
          <LineChart
            id="trials-per-day"
            title="Free trials started per day"
            labels={labels}
            series={[{ name: 'Trials', values: trials }]}
          />
          <LineChart
            id="conversion-by-cohort"
            title={`Trial → paid, by the ${daysOf(range).length > 92 ? '30 days' : 'week'} the trial started (%)`}
            labels={spanLabels}
            series={[
              {
                name: 'Converted',
                values: perSpan.map((m) =>
                  m.conversionRate === null ? null : Math.round(m.conversionRate * 1000) / 10,
                ),
              },
            ]}
            format={(v) => `${v} %`}
          />
          <LineChart
            id="churn"
            title="Paying members who churned"
            labels={spanLabels}
            series={[{ name: 'Churned', values: perSpan.map((m) => m.churned) }]}
          />
          <LineChart
            id="members-over-time"
            title="Members by status over time (daily snapshot)"
            labels={labels}
            series={STATUS_SERIES.map((st) => ({
              name: STATUS_NAMES[st],
              values: recorded[`members.${st}`] ?? [],
            }))}
          />
          <LineChart
            id="mrr-over-time"
            title="Monthly recurring revenue (daily snapshot)"
            labels={labels}
            series={[{ name: 'MRR', values: recorded.mrr ?? [] }]}
            format={(v) => money(v, currency)}
          />
          <BarChart
            id="reads-per-publisher"
            title="Reads per publisher"
            bars={perPublisher.map((p) => ({ label: p.name, value: p.reads }))}
          />
          <p class="muted">
            Definitions are in docs/OPERATIONS.md. The status and MRR lines come from the snapshot the
            scheduled job records each day; a day without a snapshot is a gap in the line (— in the figures).
          </p>
        </>
      ),
    });
  }),
);
