/**
 * @module Webhook ingestion: Stripe events applied per second (signature, dedupe, re-fetch from the
 * emulator, batch write on a libSQL file), first deliveries and duplicates, against the bare floor
 * measured in the same run (target ≥ 0.8× of the floor's rate for both, issue 16).
 *
 * Three processes, as in production: the service (Node door), the Stripe emulator standing in for
 * Stripe (it answers the re-fetches), and the load generator (autocannon, 8 connections, for the
 * events and the baseline alike). Then the same deliveries go to the bare floor server
 * (`bench/floor/webhook-server.ts`, only the mandated work, no framework or SDK) on a copy of the
 * database taken before the first delivery, against its own health route. Then the house stack's
 * floor (`bench/floor/webhook-stack.ts`: the same work behind @hono/node-server and the Stripe SDK,
 * nothing of the service's own) on a copy of its own, which splits the gap into what the stack
 * costs and what the service's own code adds.
 */
import path from 'node:path';
import type autocannon from 'autocannon';
import Database from 'libsql';
import { freePort } from '../tools/free-port';
import type { SignedDelivery } from '../tools/stripe-emulator/client';
import { runAutocannon, target } from './lib';
import { json, startScript, startServer } from './server';
import { startEmulator, subscribeReaders } from './webhook-setup';

// 300 subscriptions: 1,800 handled first deliveries, long enough for a steady rate (100 gave runs
// of under a second, whose ratios swung between 0.4× and 1.1×).
const READERS = Number(process.env.BENCH_WEBHOOK_READERS ?? 300);
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

// The floor server gets its own copy of the database as it is now, before any event is applied.
const floorDb = path.join(path.dirname(server.dbFile), 'floor.db');
const stackDb = path.join(path.dirname(server.dbFile), 'stack.db');
const copy = new Database(server.dbFile);
copy.exec(`VACUUM INTO '${floorDb}'`);
copy.exec(`VACUUM INTO '${stackDb}'`);
copy.close();

/**
 * Sends every delivery exactly once over `CONNECTIONS` connections; counts non-200 answers, and the
 * receiving server's CPU µs per delivery where the OS tells (steadier than rates on a shared machine).
 */
async function deliverAll(
  items: SignedDelivery[],
  endpoint = `${server.url}/v1/webhooks/stripe`,
  cpu: () => number | null = server.cpuMicros,
): Promise<{ rate: number; failures: number; cpuPerEvent: number | null }> {
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
  const cpuPerEvent =
    cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / Math.max(1, items.length) : null;
  return { rate: perSecond(result), failures: result.non2xx + result.errors, cpuPerEvent };
}

const health = (base = server.url) =>
  runAutocannon({ url: `${base}/health`, connections: CONNECTIONS, duration: HEALTH_SECONDS });

await runAutocannon({ url: `${server.url}/health`, connections: CONNECTIONS, duration: 1 }); // warm-up
const health1 = await health();
await control.resetRequests();
const first = await deliverAll(deliveries);
const serviceCalls = await control.requests();
if (PROFILE_DIR) {
  console.log(`  first deliveries: ${Math.round(first.rate)} ev/s; profile in ${PROFILE_DIR}`);
  if (process.env.BENCH_WEBHOOK_PROFILE_DUPLICATES) {
    // Then duplicates only, for a few seconds: the profile's last seconds are theirs instead.
    const again = await deliverAll([
      ...deliveries,
      ...deliveries,
      ...deliveries,
      ...deliveries,
      ...deliveries,
    ]);
    console.log(`  duplicates: ${Math.round(again.rate)} ev/s`);
  }
  await server.stop();
  await emu.stop();
  process.exit(0);
}
const duplicates = await deliverAll(deliveries);
const health2 = await health();
const baseline = (perSecond(health1) + perSecond(health2)) / 2;

/** One floor server on its copy of the database: its health, first deliveries and duplicates. */
async function measureFloor(script: string, file: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const floor = await startScript(script, [file, String(port), emu.url], `${url}/health`);
  await runAutocannon({ url: `${url}/health`, connections: CONNECTIONS, duration: 1 }); // warm-up
  const floorHealth = perSecond(await health(url));
  await control.resetRequests();
  const floorFirst = await deliverAll(deliveries, `${url}/webhook`, floor.cpuMicros);
  const floorCalls = await control.requests();
  const floorDuplicates = await deliverAll(deliveries, `${url}/webhook`, floor.cpuMicros);
  await floor.stop();
  return { floorHealth, floorFirst, floorCalls, floorDuplicates };
}
process.stdout.write('  measuring the bare node:http floor, then the house stack floor\n');
const { floorHealth, floorFirst, floorCalls, floorDuplicates } = await measureFloor(
  'bench/floor/webhook-server.ts',
  floorDb,
);
const stack = await measureFloor('bench/floor/webhook-stack.ts', stackDb);
/** Events a database records as processed: both servers must have done the same work. */
function recordedIn(file: string): number {
  const db = new Database(file);
  const row = db.prepare('SELECT count(*) AS n FROM stripe_events').get() as { n: number };
  db.close();
  return row.n;
}
const recorded = {
  service: recordedIn(server.dbFile),
  floor: recordedIn(floorDb),
  stack: recordedIn(stackDb),
};

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(7);
console.log(
  `\nWebhook ingestion (${deliveries.length} events from ${READERS} subscriptions, ${CONNECTIONS} connections, libSQL file, emulator in its own process), against the bare floor of the same run`,
);
console.log('                                       service        floor (bare node:http)   service/floor');
const row = (label: string, service: number, bare: number, unit: string) =>
  console.log(
    `  ${label.padEnd(37)}${fmt(service)} ${unit}   ${fmt(bare)} ${unit}          ${(service / bare).toFixed(2)}×`,
  );
row('events applied (first delivery)', first.rate, floorFirst.rate, 'ev/s ');
row('duplicates (dedupe only)', duplicates.rate, floorDuplicates.rate, 'ev/s ');
row('GET /health (same client)', baseline, floorHealth, 'req/s');
/** Server CPU µs per delivery: the service, the bare floor, the stack floor. */
const cpuRow = (label: string, service: number | null, bare: number | null, stackCpu: number | null) => {
  if (service === null || bare === null || stackCpu === null) return;
  console.log(
    `    server CPU per ${label.padEnd(24)}${fmt(service)} µs        ${fmt(bare)} µs             ${(bare / service).toFixed(2)}×   (stack floor ${Math.round(stackCpu)} µs)`,
  );
};
cpuRow('first delivery', first.cpuPerEvent, floorFirst.cpuPerEvent, stack.floorFirst.cpuPerEvent);
cpuRow('duplicate', duplicates.cpuPerEvent, floorDuplicates.cpuPerEvent, stack.floorDuplicates.cpuPerEvent);
console.log(
  `  non-200 answers: ${first.failures + duplicates.failures + floorFirst.failures + floorDuplicates.failures + stack.floorFirst.failures + stack.floorDuplicates.failures}`,
);
console.log(
  `  events recorded as processed: service ${recorded.service}, floor ${recorded.floor}, stack floor ${recorded.stack}`,
);
/** Stripe API calls per recorded event on first delivery, and the routes they went to. */
const calls = (by: Record<string, number>, events: number) => {
  const total = Object.values(by).reduce((a, b) => a + b, 0);
  const routes = Object.entries(by)
    .sort((a, b) => b[1] - a[1])
    .map(([route, n]) => `${route} ${(n / events).toFixed(2)}`);
  return `${(total / events).toFixed(2)} (${routes.join(', ')})`;
};
console.log(`  Stripe calls per event, service: ${calls(serviceCalls, recorded.service)}`);
console.log(`  Stripe calls per event, floor:   ${calls(floorCalls, recorded.floor)}`);
console.log(
  '  (the floor does only the mandated work: signature, dedupe read, re-fetch, membership read, one transaction)',
);
const split = (label: string, service: number, stackRate: number, bare: number) =>
  console.log(
    `  house stack floor, ${label}: ${fmt(stackRate).trim()} ev/s; stack floor / bare floor ${(stackRate / bare).toFixed(2)}× (what the stack costs), service / stack floor ${(service / stackRate).toFixed(2)}× (what the service's own code costs)`,
  );
console.log('  (the house stack floor: the same work behind @hono/node-server and the Stripe SDK)');
split('first deliveries', first.rate, stack.floorFirst.rate, floorFirst.rate);
split('duplicates', duplicates.rate, stack.floorDuplicates.rate, floorDuplicates.rate);
console.log(`  Stripe calls per event, stack floor: ${calls(stack.floorCalls, recorded.stack)}`);
target('webhook events / floor', first.rate / floorFirst.rate, 0.8);
target('duplicate deliveries / floor', duplicates.rate / floorDuplicates.rate, 0.8);
await server.stop();
await emu.stop();
