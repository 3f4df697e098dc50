/**
 * @module Webhook ingestion: Stripe events applied per second (signature, dedupe, re-fetch from the
 * emulator, batch write on a libSQL file), first deliveries and duplicates, against the bare floor
 * measured in the same run (target ≥ 0.8× of the floor's rate for both, issue 16).
 *
 * Processes as in production: the service (Node door), the Stripe emulator standing in for Stripe
 * (it answers the re-fetches), and the load generator (autocannon, 8 connections). Beside the
 * service run the bare floor (`bench/floor/webhook-server.ts`, only the mandated work, no framework
 * or SDK) and the house stack's floor (`bench/floor/webhook-stack.ts`: the same work behind
 * @hono/node-server and the Stripe SDK, nothing of the service's own), each on a copy of the
 * database taken before the first delivery; the stack floor splits the gap into what the stack
 * costs and what the service's own code adds. The deliveries go in interleaved rounds: Stripe's
 * order cut into `BENCH_WEBHOOK_ROUNDS` runs (default 3), each run delivered to all three servers
 * in turn (the order rotating by round) before the next, so that every server gets every event in
 * Stripe's order and a slow patch of the machine lands on all three alike; a first run, before the
 * rounds, warms all three up unmeasured. Then the duplicates of the rounds' deliveries, the same way.
 */
import path from 'node:path';
import type autocannon from 'autocannon';
import Database from 'libsql';
import { freePort } from '../tools/free-port';
import type { SignedDelivery } from '../tools/stripe-emulator/client';
import { inTurn, runAutocannon, target } from './lib';
import { json, startScript, startServer } from './server';
import { startEmulator, subscribeReaders } from './webhook-setup';

// 300 subscriptions: 1,800 handled first deliveries, long enough for a steady rate (100 gave runs
// of under a second, whose ratios swung between 0.4× and 1.1×).
const READERS = Number(process.env.BENCH_WEBHOOK_READERS ?? 300);
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 3);
const CONNECTIONS = 8;
const HEALTH_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const perSecond = (r: autocannon.Result) => r.requests.total / r.duration;

const emu = await startEmulator();
const { control } = emu;
// BENCH_WEBHOOK_PROFILE=<dir>: the service runs under --cpu-prof and stops right after the first
// deliveries, so the profile's last seconds are theirs (summarise with bench/profile-summary.ts).
const PROFILE_DIR = process.env.BENCH_WEBHOOK_PROFILE;
const server = await startServer(
  { STRIPE_API_BASE: emu.url, LIMIT_SIGNUPS: '0/1h' },
  PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [],
);

const deliveries = await subscribeReaders(
  (p, body, token) => json(`${server.url}${p}`, { method: 'POST', body, ...(token ? { token } : {}) }),
  control,
  READERS,
);

/** What one pass of deliveries to one server came to. */
interface Pass {
  events: number;
  seconds: number;
  failures: number;
  /** The receiving server's CPU µs over the pass, where the OS tells. */
  cpu: number | null;
}

/** Sends every delivery exactly once over `CONNECTIONS` connections. */
async function deliverAll(
  items: SignedDelivery[],
  endpoint: string,
  cpu: () => number | null,
): Promise<Pass> {
  let next = 0;
  const cpuBefore = cpu();
  const result = await runAutocannon({
    url: endpoint,
    connections: CONNECTIONS,
    amount: items.length,
    // autocannon reports only at its next sample tick; 10 ms ticks keep that from padding the time.
    sampleInt: 10,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const d = items[next++ % items.length] as SignedDelivery;
          return {
            ...req,
            headers: { 'content-type': 'application/json', 'stripe-signature': d.signature_header },
            body: d.payload,
          };
        },
      },
    ],
  });
  const cpuAfter = cpu();
  return {
    events: items.length,
    seconds: result.duration,
    failures: result.non2xx + result.errors,
    cpu: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
  };
}

if (PROFILE_DIR) {
  const endpoint = `${server.url}/v1/webhooks/stripe`;
  const first = await deliverAll(deliveries, endpoint, server.cpuMicros);
  console.log(
    `  first deliveries: ${Math.round(first.events / first.seconds)} ev/s; profile in ${PROFILE_DIR}`,
  );
  if (process.env.BENCH_WEBHOOK_PROFILE_DUPLICATES) {
    // Then duplicates only, for a few seconds: the profile's last seconds are theirs instead.
    const again = await deliverAll(Array(5).fill(deliveries).flat(), endpoint, server.cpuMicros);
    console.log(`  duplicates: ${Math.round(again.events / again.seconds)} ev/s`);
  }
  await server.stop();
  await emu.stop();
  process.exit(0);
}

// Each floor gets its own copy of the database as it is now, before any event is applied.
const floorDb = path.join(path.dirname(server.dbFile), 'floor.db');
const stackDb = path.join(path.dirname(server.dbFile), 'stack.db');
const copy = new Database(server.dbFile);
copy.exec(`VACUUM INTO '${floorDb}'`);
copy.exec(`VACUUM INTO '${stackDb}'`);
copy.close();

/** One server under test: where its deliveries and health go, its CPU, and what it has done. */
interface Side {
  label: string;
  base: string;
  endpoint: string;
  db: string;
  cpu: () => number | null;
  stop(): Promise<void>;
  first: Pass[];
  duplicates: Pass[];
  calls: Record<string, number>;
  health: number;
}

async function startFloor(label: string, script: string, db: string): Promise<Side> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const floor = await startScript(script, [db, String(port), emu.url], `${base}/health`);
  return {
    label,
    base,
    endpoint: `${base}/webhook`,
    db,
    cpu: floor.cpuMicros,
    stop: floor.stop,
    first: [],
    duplicates: [],
    calls: {},
    health: 0,
  };
}
const service: Side = {
  label: 'service',
  base: server.url,
  endpoint: `${server.url}/v1/webhooks/stripe`,
  db: server.dbFile,
  cpu: server.cpuMicros,
  stop: server.stop,
  first: [],
  duplicates: [],
  calls: {},
  health: 0,
};
const bare = await startFloor('bare floor', 'bench/floor/webhook-server.ts', floorDb);
const stack = await startFloor('stack floor', 'bench/floor/webhook-stack.ts', stackDb);
const sides = [service, bare, stack];

for (const side of sides) {
  await runAutocannon({ url: `${side.base}/health`, connections: CONNECTIONS, duration: 1 }); // warm-up
  side.health = perSecond(
    await runAutocannon({ url: `${side.base}/health`, connections: CONNECTIONS, duration: HEALTH_SECONDS }),
  );
}

// Stripe's order cut in ROUNDS + 1 runs: the first warms every server up (its JIT, its caches, its
// connections to the emulator) unmeasured, as a server in production is warm; the rest are the rounds.
const size = Math.ceil(deliveries.length / (ROUNDS + 1));
const warmUp = deliveries.slice(0, size);
const runs = Array.from({ length: ROUNDS }, (_, r) => deliveries.slice((r + 1) * size, (r + 2) * size));
/** Delivers `items` to `side`; the Stripe calls of first deliveries are added to its count. */
async function deliverTo(side: Side, items: SignedDelivery[], counted: boolean): Promise<Pass> {
  await control.resetRequests();
  const pass = await deliverAll(items, side.endpoint, side.cpu);
  if (counted) {
    for (const [route, n] of Object.entries(await control.requests())) {
      side.calls[route] = (side.calls[route] ?? 0) + n;
    }
  }
  return pass;
}
for (const side of sides) await deliverTo(side, warmUp, true);
process.stdout.write(
  `  the service, the bare floor and the stack floor in turn, ${ROUNDS} rounds: first deliveries`,
);
for (const kind of ['first', 'duplicates'] as const) {
  if (kind === 'duplicates') process.stdout.write(', duplicates');
  for (const [r, items] of runs.entries()) {
    for (const side of inTurn(sides, r)) {
      // Stripe calls of first deliveries only (a duplicate is answered before any).
      side[kind].push(await deliverTo(side, items, kind === 'first'));
    }
    process.stdout.write(` ${r + 1}`);
  }
}
process.stdout.write('\n');

/** Events a database records as processed: the three servers must have done the same work. */
function recordedIn(file: string): number {
  const db = new Database(file);
  const row = db.prepare('SELECT count(*) AS n FROM stripe_events').get() as { n: number };
  db.close();
  return row.n;
}
const total = (passes: Pass[]) => {
  // The rounds only: the warm-up is not among them.
  const events = passes.reduce((a, p) => a + p.events, 0);
  const seconds = passes.reduce((a, p) => a + p.seconds, 0);
  const cpus = passes.map((p) => p.cpu);
  const cpu = cpus.every((c) => c !== null) ? cpus.reduce((a: number, c) => a + (c as number), 0) : null;
  return { rate: events / seconds, cpuPerEvent: cpu === null ? null : cpu / events };
};
const rateOf = (side: Side, kind: 'first' | 'duplicates') => total(side[kind]).rate;
const cpuOf = (side: Side, kind: 'first' | 'duplicates') => total(side[kind]).cpuPerEvent;
// Read before the service stops: its temp folder, which holds the floors' copies too, goes with it.
const recorded = Object.fromEntries(sides.map((s) => [s.label, recordedIn(s.db)]));
for (const side of sides) await side.stop();
await emu.stop();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(7);
console.log(
  `\nWebhook ingestion (${deliveries.length} events from ${READERS} subscriptions, ${CONNECTIONS} connections, libSQL file, emulator in its own process, ${ROUNDS} interleaved rounds), against the bare floor of the same run`,
);
console.log('                                       service        floor (bare node:http)   service/floor');
const row = (label: string, ours: number, floor: number, unit: string) =>
  console.log(
    `  ${label.padEnd(37)}${fmt(ours)} ${unit}   ${fmt(floor)} ${unit}          ${(ours / floor).toFixed(2)}×`,
  );
row('events applied (first delivery)', rateOf(service, 'first'), rateOf(bare, 'first'), 'ev/s ');
row('duplicates (dedupe only)', rateOf(service, 'duplicates'), rateOf(bare, 'duplicates'), 'ev/s ');
row('GET /health (same client)', service.health, bare.health, 'req/s');
for (const kind of ['first', 'duplicates'] as const) {
  const ours = cpuOf(service, kind);
  const floor = cpuOf(bare, kind);
  const stackCpu = cpuOf(stack, kind);
  if (ours === null || floor === null || stackCpu === null) continue;
  const label = kind === 'first' ? 'first delivery' : 'duplicate';
  console.log(
    `    server CPU per ${label.padEnd(24)}${fmt(ours)} µs        ${fmt(floor)} µs             ${(floor / ours).toFixed(2)}×   (stack floor ${Math.round(stackCpu)} µs)`,
  );
}
const byRound = (kind: 'first' | 'duplicates') =>
  service[kind]
    .map((p, r) =>
      (p.events / p.seconds / ((bare[kind][r]?.events ?? 0) / (bare[kind][r]?.seconds ?? 1))).toFixed(2),
    )
    .join(', ');
console.log(
  `  service / bare floor by round: first deliveries ${byRound('first')}; duplicates ${byRound('duplicates')}`,
);
console.log(
  `  non-200 answers: ${sides.flatMap((s) => [...s.first, ...s.duplicates]).reduce((a, p) => a + p.failures, 0)}`,
);
console.log(
  `  events recorded as processed: service ${recorded.service}, floor ${recorded['bare floor']}, stack floor ${recorded['stack floor']}`,
);
/** Stripe API calls per recorded event on first delivery, and the routes they went to. */
const calls = (side: Side) => {
  const events = recorded[side.label] ?? 1;
  const count = Object.values(side.calls).reduce((a, b) => a + b, 0);
  const routes = Object.entries(side.calls)
    .sort((a, b) => b[1] - a[1])
    .map(([route, n]) => `${route} ${(n / events).toFixed(2)}`);
  return `${(count / events).toFixed(2)} (${routes.join(', ')})`;
};
console.log(`  Stripe calls per event, service: ${calls(service)}`);
console.log(`  Stripe calls per event, floor:   ${calls(bare)}`);
console.log(
  '  (the floor does only the mandated work: signature, dedupe read, re-fetch, membership read, one transaction)',
);
console.log('  (the house stack floor: the same work behind @hono/node-server and the Stripe SDK)');
for (const kind of ['first', 'duplicates'] as const) {
  const stackRate = rateOf(stack, kind);
  console.log(
    `  house stack floor, ${kind === 'first' ? 'first deliveries' : 'duplicates'}: ${fmt(stackRate).trim()} ev/s; stack floor / bare floor ${(stackRate / rateOf(bare, kind)).toFixed(2)}× (what the stack costs), service / stack floor ${(rateOf(service, kind) / stackRate).toFixed(2)}× (what the service's own code costs)`,
  );
}
console.log(`  Stripe calls per event, stack floor: ${calls(stack)}`);
target('webhook events / floor', rateOf(service, 'first') / rateOf(bare, 'first'), 0.8);
target('duplicate deliveries / floor', rateOf(service, 'duplicates') / rateOf(bare, 'duplicates'), 0.8);
