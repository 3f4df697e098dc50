/**
 * @module What the service's own code adds to a webhook's first delivery, in process (no HTTP
 * server, no kernel on our side): the service app and the house stack floor's app
 * (`floor/webhook-stack-app.ts`), each on its own copy of the same database, apply the same
 * deliveries from the emulator, chunk by chunk in alternating rounds, 8 at a time. Prints the median
 * of the rounds' CPU difference per delivery and the Stripe calls of each side, then both sides'
 * self time per function (from second copies), largest difference first.
 *   npx tsx bench/profile-webhooks.ts     (READERS=300 ROUNDS=12 TOP=45)
 */
import path from 'node:path';
import Database from 'libsql';
import type { SignedDelivery } from '../tools/stripe-emulator/client';
import { webhookStackApp } from './floor/webhook-stack-app';
import { inProcessService } from './in-process';
import { addTimes, printSelfTimeDiff, selfTimes } from './self-times';
import { startEmulator, subscribeReaders } from './webhook-setup';

const READERS = Number(process.env.READERS ?? 300);
const ROUNDS = Number(process.env.ROUNDS ?? 12);
const TOP = Number(process.env.TOP ?? 45);
const CONCURRENCY = 8;

const emu = await startEmulator();
const svc = await inProcessService({ STRIPE_API_BASE: emu.url, LIMIT_SIGNUPS: '0/1h' });
const deliveries = await subscribeReaders(
  (p, body, token) => svc.post(p, body, token ?? '') as Promise<Record<string, unknown>>,
  emu.control,
  READERS,
);
const copyOf = (name: string) => {
  const file = path.join(path.dirname(svc.dbFile), `${name}.db`);
  const db = new Database(svc.dbFile);
  db.exec(`VACUUM INTO '${file}'`);
  db.close();
  return file;
};
type App = { request(path: string, init: RequestInit): Response | Promise<Response> };
const measured = { service: svc.app as App, stack: webhookStackApp(copyOf('stack'), emu.url) as App };
const profiled = {
  service: (await svc.appOn(copyOf('service-profiled'))) as App,
  stack: webhookStackApp(copyOf('stack-profiled'), emu.url) as App,
};
const paths = { service: '/v1/webhooks/stripe', stack: '/webhook' };
type Side = keyof typeof paths;

/** Delivers `items` once each, `CONCURRENCY` at a time; every answer must be a 200. */
async function deliver(app: App, side: Side, items: SignedDelivery[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const d = items[next++] as SignedDelivery;
      const res = await app.request(paths[side], {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(d.payload)),
          'stripe-signature': d.signature_header,
        },
        body: d.payload,
      });
      if (res.status !== 200) throw new Error(`${side} answered ${res.status}: ${await res.text()}`);
      await res.text();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const size = Math.ceil(deliveries.length / ROUNDS);
const chunks = Array.from({ length: ROUNDS }, (_, k) => deliveries.slice(k * size, (k + 1) * size));
const cpu = { service: 0, stack: 0 };
const calls = { service: {} as Record<string, number>, stack: {} as Record<string, number> };
const differences: number[] = [];

/** CPU µs per delivery of `side` on `items`; its Stripe calls added to its count. */
async function cpuOf(side: Side, items: SignedDelivery[]): Promise<number> {
  await emu.control.resetRequests();
  const started = process.cpuUsage();
  await deliver(measured[side], side, items);
  const used = process.cpuUsage(started);
  for (const [route, n] of Object.entries(await emu.control.requests()))
    calls[side][route] = (calls[side][route] ?? 0) + n;
  cpu[side] += used.user + used.system;
  return (used.user + used.system) / items.length;
}

for (const [k, chunk] of chunks.entries()) {
  // Alternate which side goes first, so that neither always meets a warmer or colder machine.
  const order: Side[] = k % 2 === 0 ? ['service', 'stack'] : ['stack', 'service'];
  const perDelivery = { service: 0, stack: 0 };
  for (const side of order) perDelivery[side] = await cpuOf(side, chunk);
  differences.push(perDelivery.service - perDelivery.stack);
}
differences.sort((a, b) => a - b);
const median = differences[Math.floor(differences.length / 2)] ?? Number.NaN;
const n = deliveries.length;
const callsPer = (by: Record<string, number>) =>
  Object.entries(by)
    .sort((a, b) => b[1] - a[1])
    .map(([route, c]) => `${route} ${(c / n).toFixed(3)}`)
    .join(', ');
console.log(
  `service ${(cpu.service / n).toFixed(0)} µs, stack floor ${(cpu.stack / n).toFixed(0)} µs CPU per delivery (${n} deliveries)`,
);
console.log(`service over stack floor: ${median.toFixed(1)} µs per delivery (median of ${ROUNDS} rounds)`);
console.log(`Stripe calls per delivery, service: ${callsPer(calls.service)}`);
console.log(`Stripe calls per delivery, stack:   ${callsPer(calls.stack)}`);

const ours = new Map<string, number>();
const floor = new Map<string, number>();
for (const chunk of chunks) {
  addTimes(ours, await selfTimes(() => deliver(profiled.service, 'service', chunk), n));
  addTimes(floor, await selfTimes(() => deliver(profiled.stack, 'stack', chunk), n));
}
printSelfTimeDiff(ours, floor, 'delivery', TOP);
await emu.stop();
process.exit(0);
