/**
 * @module Metrics in workerd + D1 on a small known dataset: statuses now, a trial cohort, conversion,
 * churn; and the scheduled run that drops the running counts' window buckets of past hours.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { contextFromBindings, type WorkerBindings } from '../../src/app/worker-context';
import { recordDailyMetrics } from '../../src/features/console';
import { expectProblem } from './admin-helpers';
import { adminKey, call } from './helpers';

const NOW = Math.floor(Date.now() / 1000);
const DAY = 86_400;
const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);

interface Seed {
  tag: string;
  created: string;
  status: 'trialing' | 'active' | 'past_due' | 'canceled' | 'expired' | 'comped';
  trialEndsAt?: number | null;
  periodEnd?: number | null;
  graceUntil?: number | null;
  compUntil?: number | null;
  subscription?: string | null;
  updatedAt?: number;
  deleted?: boolean;
  /** status_after of a recorded Stripe event, if any. */
  event?: string;
}

async function seed(s: Seed) {
  const id = `rdr_${s.tag.padEnd(20, 'a')}`;
  const created = at(s.created);
  const email = `${s.tag}@metrics.example`;
  await env.DB.batch([
    env.DB.prepare(
      'INSERT INTO readers (id, email, email_key, trial_identity, password_hash, created_at, updated_at, deleted_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)',
    ).bind(id, email, email, email, created, created, s.deleted ? NOW : null),
    env.DB.prepare(
      'INSERT INTO memberships (reader_id, status, trial_ends_at, current_period_end, grace_until, comp_until, stripe_subscription_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).bind(
      id,
      s.status,
      s.trialEndsAt === undefined ? created + 14 * DAY : s.trialEndsAt,
      s.periodEnd ?? null,
      s.graceUntil ?? null,
      s.compUntil ?? null,
      s.subscription ?? null,
      created,
      s.updatedAt ?? created,
    ),
    ...(s.event
      ? [
          env.DB.prepare(
            "INSERT INTO stripe_events (id, type, stripe_created_at, reader_id, outcome, status_before, status_after, source, processed_at) VALUES (?, 'customer.subscription.updated', ?, ?, 'applied', 'trialing', ?, 'webhook', ?)",
          ).bind(`evt_${s.tag}`, created + DAY, id, s.event, created + DAY),
        ]
      : []),
  ]);
}

const metrics = async (query = 'from=2023-01-01&to=2023-01-31') => {
  const res = await call('GET', `/v1/admin/metrics?${query}`, { token: adminKey() });
  expect(res.status, res.text).toBe(200);
  return res.json;
};

describe('GET /v1/admin/metrics', () => {
  it('counts members by effective status now, and the January 2023 cohort', async () => {
    const before = await metrics();
    const rows: Seed[] = [
      // Trial still running.
      { tag: 'mtrialing', created: '2023-01-05T10:00:00Z', status: 'trialing', trialEndsAt: NOW + 5 * DAY },
      // Stored trialing, but the trial has run out: expired now.
      { tag: 'mtrialover', created: '2023-01-06T10:00:00Z', status: 'trialing' },
      // Converted and paying.
      {
        tag: 'mpaying',
        created: '2023-01-07T10:00:00Z',
        status: 'active',
        subscription: 'sub_m1',
        periodEnd: NOW + 20 * DAY,
        event: 'active',
      },
      // Converted, then churned within January.
      {
        tag: 'mchurned',
        created: '2023-01-08T10:00:00Z',
        status: 'expired',
        subscription: 'sub_m2',
        updatedAt: at('2023-01-20T00:00:00Z'),
        event: 'active',
      },
      // Signed up without a trial (the person's trial was used before): not in the cohort.
      { tag: 'mnotrial', created: '2023-01-09T10:00:00Z', status: 'expired', trialEndsAt: null },
      // Converted, payment failing but within grace: paying.
      {
        tag: 'mpastdue',
        created: '2023-01-10T10:00:00Z',
        status: 'past_due',
        subscription: 'sub_m3',
        graceUntil: NOW + 2 * DAY,
        event: 'past_due',
      },
      // Comped after the trial.
      { tag: 'mcomped', created: '2023-01-11T10:00:00Z', status: 'comped', compUntil: NOW + 30 * DAY },
      // Canceled at period end, the period ended on 2023-01-25: churned by time alone, expired now.
      {
        tag: 'mcanceled',
        created: '2023-01-12T10:00:00Z',
        status: 'canceled',
        subscription: 'sub_m4',
        periodEnd: at('2023-01-25T00:00:00Z'),
        event: 'canceled',
      },
      // Outside the period (the last second before it): trialing now, not in the cohort.
      { tag: 'mdecember', created: '2022-12-31T23:59:59Z', status: 'trialing', trialEndsAt: NOW + DAY },
      // A deleted account: not a member now.
      {
        tag: 'mdeleted',
        created: '2022-06-01T00:00:00Z',
        status: 'active',
        subscription: 'sub_m5',
        event: 'active',
        deleted: true,
      },
    ];
    for (const row of rows) await seed(row);
    const after = await metrics();

    const delta = Object.fromEntries(
      Object.entries(after.members as Record<string, number>).map(([k, v]) => [
        k,
        v - (before.members[k] ?? 0),
      ]),
    );
    expect(delta).toEqual({ trialing: 2, active: 1, past_due: 1, canceled: 0, expired: 4, comped: 1 });
    expect(after.active_paying - before.active_paying).toBe(2);
    // The cohort of January 2023 is ours alone: trialing, trialover, paying, churned, pastdue, comped, canceled.
    expect(after).toMatchObject({
      from: '2023-01-01',
      to: '2023-01-31',
      trials_started: 7,
      trials_converted: 4,
      conversion_rate: 0.5714,
      churned: 2,
    });
    // The period ends are days, both included: the last day of January alone sees the cohort's edge.
    const lastDay = await metrics('from=2023-01-31&to=2023-01-31');
    expect(lastDay).toMatchObject({
      trials_started: 0,
      trials_converted: 0,
      conversion_rate: null,
      churned: 0,
    });
    const firstWeek = await metrics('from=2022-12-31&to=2023-01-07');
    expect(firstWeek).toMatchObject({ trials_started: 4, trials_converted: 1 });
  });

  it('refuses a malformed or reversed range', async () => {
    for (const query of ['from=2023-01-32', 'from=2023-02-01&to=2023-01-01', 'to=2023/01/01']) {
      expectProblem(
        await call('GET', `/v1/admin/metrics?${query}`, { token: adminKey() }),
        400,
        'invalid_request',
      );
    }
    expect((await call('GET', '/v1/admin/metrics', { token: adminKey() })).status).toBe(200);
  });

  it('drops the window buckets of past hours in the scheduled run, and answers the same', async () => {
    await seed({ tag: 'prunepast', created: '2023-03-01', status: 'trialing', trialEndsAt: NOW - 3 * 3600 });
    await seed({ tag: 'pruneahead', created: '2023-03-01', status: 'trialing', trialEndsAt: NOW + 5 * 3600 });
    const hour = Math.floor(NOW / 3600);
    const past = async () =>
      (
        await env.DB.prepare("SELECT count(*) AS n FROM count_buckets WHERE kind LIKE 'open:%' AND at < ?")
          .bind(hour)
          .first<{ n: number }>()
      )?.n;
    const before = await metrics('');
    expect(await past()).toBeGreaterThan(0);
    // A later clock than any earlier claim of the job's 15 minutes.
    const ctx = await contextFromBindings(env as unknown as WorkerBindings);
    expect(await recordDailyMetrics({ ...ctx, now: () => new Date(Date.now() + 3_600_000) })).toBe(true);
    expect(await past()).toBe(0);
    expect((await metrics('')).members).toEqual(before.members);
  });
});
