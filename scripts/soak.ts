/**
 * @module Soak test: the Node door (child process, temp libSQL file) and the Stripe emulator (auto
 * delivery) under a steady mix of sign-ups, tokens, reads, checkouts and clock advances; then every
 * invariant is checked. `npm run soak -- --seconds 20 --rate 50`. Exit code 1 on any error.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import Stripe from 'stripe';
import { startServer } from '../bench/server';
import { HANDLED_EVENT_TYPES } from '../src/features/billing/webhook/handlers';
import { startStripeEmulator } from '../tools/stripe-emulator';
import { EmulatorControl } from '../tools/stripe-emulator/client';

export interface SoakOptions {
  seconds: number;
  /** Operations started per second (open loop). */
  rate: number;
  /** Operations allowed in flight; a tick that finds them all busy is counted as skipped. */
  maxInFlight?: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  operations: Record<string, { count: number; errors: number; p50: number; p95: number; p99: number }>;
  errors: string[];
  broken: string[];
  skippedTicks: number;
  totals: { operations: number; errors: number; readers: number; subscribed: number; webhooks: number };
}

const MIX: Array<[op: string, weight: number]> = [
  ['signup', 0.15],
  ['token', 0.35],
  ['read', 0.3],
  ['checkout', 0.15],
  ['cancel', 0.05],
];
const LIMITS = ['LIMIT_SIGNUPS', 'LIMIT_SIGNIN_IP', 'LIMIT_PUBLISHER_CALLS', 'LIMIT_ACCESS_IP'];

interface Reader {
  id: string;
  token: string;
  stage: 'none' | 'pending' | 'subscribed' | 'canceled';
  subscription?: string;
}

function chooseOp(roll: number): string {
  let left = roll;
  for (const [op, weight] of MIX) {
    left -= weight;
    if (left < 0) return op;
  }
  return 'token';
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? console.log;
  const maxInFlight = options.maxInFlight ?? 64;
  const emu = await startStripeEmulator({ port: 0, retryBaseMs: 50, log: () => {} });
  const limits = Object.fromEntries(LIMITS.map((k) => [k, '100000000/1m']));
  const server = await startServer({ STRIPE_API_BASE: emu.url, ...limits });
  const control = new EmulatorControl(emu.url);
  await control.addWebhookEndpoint(`${server.url}/v1/webhooks/stripe`);
  const stripe = new Stripe('sk_test_emulator_0000000000000000', {
    httpClient: Stripe.createFetchHttpClient(),
    host: '127.0.0.1',
    port: emu.port,
    protocol: 'http',
  });
  const latencies = new Map<string, number[]>();
  const errorCounts = new Map<string, number>();
  const errors: string[] = [];
  const readers: Reader[] = [];
  const tokens: Array<{ token: string; article: string }> = [];
  let counted = 0;
  let serial = 0;

  async function api(method: string, p: string, body?: unknown, bearer?: string) {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      text,
      json: (text ? JSON.parse(text) : null) as Record<string, unknown> | null,
    };
  }
  function expectStatus(res: { status: number; text: string }, want: number, what: string) {
    if (res.status !== want) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  }
  async function timed(op: string, fn: () => Promise<void>) {
    const started = performance.now();
    try {
      await fn();
    } catch (err) {
      errorCounts.set(op, (errorCounts.get(op) ?? 0) + 1);
      errors.push(`${op}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      const list = latencies.get(op) ?? [];
      list.push(performance.now() - started);
      latencies.set(op, list);
    }
  }

  const created = await api(
    'POST',
    '/v1/admin/publishers',
    { name: 'Soak Times', origins: ['https://soak.example'] },
    server.adminKey,
  );
  expectStatus(created, 201, 'publisher');
  const publisher = String((created.json?.publisher as { id?: unknown } | undefined)?.id);
  const publisherKey = String(created.json?.api_key);

  const ops: Record<string, () => Promise<void>> = {
    async signup() {
      const n = serial++;
      const res = await api('POST', '/v1/readers', {
        email: `soak${n}@example.com`,
        password: 'pass phrase 1',
      });
      expectStatus(res, 201, 'sign-up');
      readers.push({
        id: String((res.json?.reader as { id?: unknown } | undefined)?.id),
        token: String(res.json?.session_token),
        stage: 'none',
      });
    },
    async token() {
      const r = pick(readers);
      if (!r) return;
      const article = `a${Math.floor(Math.random() * 20)}`;
      const res = await api('POST', '/v1/me/entitlement-token', { publisher, article }, r.token);
      expectStatus(res, 200, 'token');
      tokens.push({ token: String(res.json?.token), article });
      if (tokens.length > 500) tokens.splice(0, 250);
    },
    async read() {
      const t = pick(tokens);
      if (!t) return;
      const res = await api(
        'POST',
        '/v1/reads',
        { token: t.token, article: { id: t.article } },
        publisherKey,
      );
      expectStatus(res, 202, 'read');
      if (res.json?.counted === true) counted++;
    },
    async checkout() {
      const r = pick(readers.filter((x) => x.stage === 'none'));
      if (!r) return;
      r.stage = 'pending';
      const res = await api(
        'POST',
        '/v1/me/checkout',
        { plan: Math.random() < 0.7 ? 'monthly' : 'annual' },
        r.token,
      );
      expectStatus(res, 200, 'checkout');
      const done = await control.completeCheckout(String(res.json?.url).split('/').pop() ?? '');
      if (!done.ok) throw new Error(`emulator checkout refused: ${done.error.message}`);
      r.subscription = done.subscription.id;
      r.stage = 'subscribed';
    },
    async cancel() {
      const r = pick(readers.filter((x) => x.stage === 'subscribed'));
      if (!r?.subscription) return;
      r.stage = 'canceled';
      await stripe.subscriptions.update(r.subscription, { cancel_at_period_end: true });
    },
  };

  for (let i = 0; i < 5; i++) await timed('signup', ops.signup ?? (async () => {}));
  // Emulator time moves on with the run, but never so far that a reader's trial is too short for Stripe.
  const advanceBy = Math.min(3600, Math.floor((8 * 86_400) / Math.max(1, options.seconds)));
  const inFlight = new Set<Promise<void>>();
  let skippedTicks = 0;
  const started = performance.now();
  const total = Math.floor(options.seconds * options.rate);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight.size >= maxInFlight) {
      skippedTicks++;
      continue;
    }
    const op = chooseOp(Math.random());
    const run = timed(op, ops[op] ?? (async () => {}));
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    if (i % Math.max(1, options.rate) === 0) {
      const tick = timed('advance', async () => void (await control.advance({ seconds: advanceBy })));
      inFlight.add(tick);
      void tick.finally(() => inFlight.delete(tick));
    }
  }
  await Promise.all(inFlight);
  await control.flush();

  const broken: string[] = [];
  const deliveries = await control.deliveries();
  const failedDeliveries = deliveries.filter((d) => d.status !== 'succeeded');
  if (failedDeliveries.length > 0) broken.push(`${failedDeliveries.length} webhook deliveries not accepted`);
  const db = createClient({ url: `file:${server.dbFile}` });
  try {
    const rows = async (sql: string) => (await db.execute(sql)).rows;
    const integrity = await rows('PRAGMA integrity_check');
    if (String(integrity[0]?.integrity_check) !== 'ok')
      broken.push(`integrity_check: ${JSON.stringify(integrity)}`);
    const fk = await rows('PRAGMA foreign_key_check');
    if (fk.length > 0) broken.push(`${fk.length} foreign key violations`);
    const orphans = await rows(
      'SELECT (SELECT count(*) FROM readers r WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.reader_id = r.id)) AS no_membership, (SELECT count(*) FROM memberships m WHERE NOT EXISTS (SELECT 1 FROM readers r WHERE r.id = m.reader_id)) AS no_reader, (SELECT count(*) FROM readers) AS readers, (SELECT count(*) FROM reads) AS reads',
    );
    const o = orphans[0];
    if (Number(o?.no_membership) !== 0 || Number(o?.no_reader) !== 0)
      broken.push(`readers without one membership: ${JSON.stringify(o)}`);
    if (Number(o?.readers) !== readers.length)
      broken.push(`${o?.readers} readers stored, ${readers.length} signed up`);
    if (Number(o?.reads) !== counted) broken.push(`${o?.reads} reads stored, ${counted} answered counted`);
    const dupes = await rows('SELECT id FROM stripe_events GROUP BY id HAVING count(*) > 1');
    if (dupes.length > 0) broken.push(`${dupes.length} duplicate stripe_events`);
    const recorded = new Set((await rows('SELECT id FROM stripe_events')).map((r) => String(r.id)));
    const lost = deliveries.filter((d) => HANDLED_EVENT_TYPES.has(d.type) && !recorded.has(d.event_id));
    if (lost.length > 0) broken.push(`${lost.length} delivered events not recorded`);
    const memberships = new Map(
      (await rows('SELECT reader_id, status, stripe_subscription_id FROM memberships')).map((r) => [
        String(r.reader_id),
        r,
      ]),
    );
    for (const r of readers) {
      if (!r.subscription) continue;
      const sub = await stripe.subscriptions.retrieve(r.subscription);
      const want = sub.status === 'past_due' ? 'past_due' : sub.cancel_at_period_end ? 'canceled' : 'active';
      const row = memberships.get(r.id);
      if (row?.status !== want || row?.stripe_subscription_id !== r.subscription)
        broken.push(`${r.id}: membership ${String(row?.status)}, Stripe says ${want} (${sub.status})`);
    }
  } finally {
    db.close();
    await server.stop();
    await emu.close();
  }

  const operations: SoakReport['operations'] = {};
  let opCount = 0;
  for (const [op, list] of latencies) {
    const sorted = list.slice().sort((a, b) => a - b);
    opCount += list.length;
    const round = (n: number) => Math.round(n * 10) / 10;
    operations[op] = {
      count: list.length,
      errors: errorCounts.get(op) ?? 0,
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
    };
  }
  const report: SoakReport = {
    operations,
    errors,
    broken,
    skippedTicks,
    totals: {
      operations: opCount,
      errors: errors.length,
      readers: readers.length,
      subscribed: readers.filter((r) => r.subscription).length,
      webhooks: deliveries.length,
    },
  };
  log(`soak: ${options.seconds}s at ${options.rate}/s, ${opCount} operations, ${deliveries.length} webhooks`);
  log('operation   count  errors   p50 ms   p95 ms   p99 ms');
  for (const [op, s] of Object.entries(operations)) {
    log(
      `${op.padEnd(10)} ${String(s.count).padStart(6)} ${String(s.errors).padStart(7)} ${String(s.p50).padStart(8)} ${String(s.p95).padStart(8)} ${String(s.p99).padStart(8)}`,
    );
  }
  log(
    `errors: ${errors.length}; skipped ticks: ${skippedTicks}; invariants ${broken.length === 0 ? 'hold' : 'BROKEN'}`,
  );
  for (const line of [...errors.slice(0, 10), ...broken.slice(0, 10)]) log(`  ${line}`);
  return report;
}

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await runSoak({ seconds: argument('seconds', 20), rate: argument('rate', 50) });
  process.exit(report.errors.length === 0 && report.broken.length === 0 ? 0 : 1);
}
