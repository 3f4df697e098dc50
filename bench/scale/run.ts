/**
 * @module `npm run bench:scale`: issue 16's item 5. Seeds file databases of 10 k, 100 k and 1 M
 * readers (10 reads each by default, across 1,000 publishers), times each operation through the
 * real Node door at each size, makes the month's statement with the door's memory watched,
 * reconciles a sample of subscriptions against the Stripe emulator, prints the query plan of every
 * statement the routes ran, and the 1 M / 10 k ratio of each figure against 1.5×.
 *
 *   npm run bench:scale -- [--sizes 10000,100000,1000000] [--reads N] [--reconcile N] [--fresh]
 *
 * `--reads N` fixes the reads at N for every size (default: 10 per reader, so 10 M at 1 M);
 * `--reconcile N` the subscriptions reconciled per size (default 2,000, a sample: see the output);
 * seeded databases are kept in the temp dir and reused on the same UTC day unless `--fresh`.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { deepCursorOf } from './cursor';
import { lastMonth } from './data';
import { startDoor } from './door';
import { type Floors, measureFloors } from './floors';
import { operations } from './operations';
import { printPlans } from './plan-report';
import { buySubscriptions, reconcile, startEmulator } from './reconcile';
import { seedDatabase } from './seed';
import { makeStatement } from './statement';
import { type Latency, latency, ms } from './timing';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    reads: { type: 'string' },
    reconcile: { type: 'string', default: '2000' },
    fresh: { type: 'boolean', default: false },
  },
  strict: true,
});
const sizes = String(values.sizes)
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const readsAt = (readers: number) => (values.reads ? Number(values.reads) : readers * 10);
const reconcileSample = Number(values.reconcile);
const day = new Date().toISOString().slice(0, 10);
const today = new Date(`${day}T00:00:00Z`);
const month = lastMonth(today);
const dir = path.join(tmpdir(), 'onepass-scale');
mkdirSync(dir, { recursive: true });
const log = (line: string) => console.log(line);
const n = (x: number) => x.toLocaleString('en-US');

interface SizeFigures {
  readers: number;
  reads: number;
  latencies: Map<string, Latency>;
  statement: Awaited<ReturnType<typeof makeStatement>>;
  reconcile: Awaited<ReturnType<typeof reconcile>>;
  databaseMb: number;
  floors: Floors;
}

/** The database of a size, seeded unless a complete one from today is kept. */
async function databaseOf(readers: number, reads: number): Promise<string> {
  const file = path.join(dir, `scale-${readers}-${reads}-${day}-v1.db`);
  if (values.fresh && existsSync(file)) rmSync(file);
  if (existsSync(file)) {
    log(`  using the database seeded earlier today: ${path.basename(file)}`);
    return file;
  }
  log(`  seeding ${n(readers)} readers and ${n(reads)} reads (${path.basename(file)})`);
  const seconds = await seedDatabase(file, { readers, reads, today }, log);
  log(`  seeded in ${seconds.toFixed(0)} s`);
  return file;
}

async function measureSize(readers: number): Promise<SizeFigures> {
  const reads = readsAt(readers);
  console.log(`\n=== ${n(readers)} readers, ${n(reads)} reads ===`);
  const file = await databaseOf(readers, reads);
  const databaseMb = statSync(file).size / 1_048_576;
  const emulator = await startEmulator();
  const door = await startDoor(file, { STRIPE_API_BASE: emulator.url });
  const latencies = new Map<string, Latency>();
  try {
    const target = { url: door.url, adminKey: door.adminKey, readers, deep: deepCursorOf(file, readers) };
    for (const op of operations(target)) {
      const figure = await latency(op.calls, op.run);
      latencies.set(op.name, figure);
      log(
        `  ${op.name.padEnd(48)} median ${ms(figure.median).padStart(7)} ms   p99 ${ms(figure.p99).padStart(7)} ms   (${figure.calls} calls)`,
      );
    }
    const statement = await makeStatement(door, month, readers);
    const growth =
      statement.rssBefore !== null && statement.rssPeak !== null
        ? statement.rssPeak - statement.rssBefore
        : null;
    log(
      `  ${`payout statement of ${month}`.padEnd(48)} ${statement.seconds.toFixed(2).padStart(7)} s over ${n(statement.reads)} reads` +
        ` (${((statement.seconds * 1e6) / Math.max(1, statement.reads)).toFixed(1)} µs a read); door RSS ${statement.rssBefore?.toFixed(0)} MB before, peak ${statement.rssPeak?.toFixed(0)} MB (+${growth?.toFixed(0)} MB)`,
    );
    latencies.set('payout statement of the month', {
      calls: 1,
      median: statement.seconds * 1000,
      p99: statement.seconds * 1000,
    });
    await door.stop();
    const floors = measureFloors(file, today, month);
    for (const [name, floor] of floors) {
      log(`  ${`floor: ${name}`.padEnd(48)} median ${ms(floor).padStart(7)} ms   (the bare SQL on the file)`);
    }

    // Reconciliation writes memberships and events: on a copy, so the kept database stays as seeded.
    const copy = `${file}.reconcile.db`;
    copyFileSync(file, copy);
    const bought = await buySubscriptions(emulator.url, reconcileSample, readers);
    const onCopy = await startDoor(copy, { STRIPE_API_BASE: emulator.url });
    const figures = await reconcile(onCopy, bought);
    await onCopy.stop();
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) if (existsSync(f)) rmSync(f);
    const rate = figures.subscriptions / figures.seconds;
    log(
      `  ${`reconciliation of ${n(bought)} subscriptions`.padEnd(48)} ${figures.seconds.toFixed(1).padStart(7)} s: ${rate.toFixed(0)} subscriptions/s` +
        ` (${n(figures.scanned)} events listed, ${n(figures.applied)} applied, ${figures.calls} calls); 100 k at this rate: ${(100_000 / rate / 60).toFixed(1)} min`,
    );
    latencies.set('reconciliation, ms per subscription', {
      calls: bought,
      median: 1000 / rate,
      p99: 1000 / rate,
    });
    return { readers, reads, latencies, statement, reconcile: figures, databaseMb, floors };
  } finally {
    await door.stop().catch(() => undefined);
    await emulator.stop();
  }
}

const results: SizeFigures[] = [];
for (const size of sizes) results.push(await measureSize(size));

const smallest = results[0];
const largest = results.at(-1);
if (smallest && largest) {
  await printPlans(
    path.join(dir, `scale-${smallest.readers}-${smallest.reads}-${day}-v1.db`),
    path.join(dir, `scale-${largest.readers}-${largest.reads}-${day}-v1.db`),
    smallest.readers,
    month,
  );
  console.log(`\n=== Figures by size (median ms; the statement and reconciliation as noted) ===`);
  const names = [...smallest.latencies.keys()];
  console.log(
    `  ${'operation'.padEnd(48)}${results.map((r) => `${n(r.readers)} r`.padStart(12)).join('')}   ratio   target 1.5×`,
  );
  for (const name of names) {
    const cells = results.map((r) => ms(r.latencies.get(name)?.median ?? Number.NaN).padStart(12)).join('');
    const ratio =
      (largest.latencies.get(name)?.median ?? Number.NaN) /
      (smallest.latencies.get(name)?.median ?? Number.NaN);
    // Where every read of the range must be read, the bare floor's own growth says what any design gets.
    const floorRatio = (largest.floors.get(name) ?? Number.NaN) / (smallest.floors.get(name) ?? Number.NaN);
    const floor = Number.isNaN(floorRatio) ? '' : `  (the bare floor grows ${floorRatio.toFixed(1)}×)`;
    console.log(
      `  ${name.padEnd(48)}${cells}  ${ratio.toFixed(2).padStart(5)}×   ${ratio <= 1.5 ? 'met' : 'NOT met'}${floor}`,
    );
  }
  console.log(
    `  database file: ${results.map((r) => `${n(r.readers)} readers ${r.databaseMb.toFixed(0)} MB`).join(', ')}` +
      `; ratio ${n(largest.readers)} / ${n(smallest.readers)} readers, ${n(largest.reads)} / ${n(smallest.reads)} reads`,
  );
  console.log(
    `  reconciliation: a sample of ${n(reconcileSample)} subscriptions per size, not 100 k (buying 100 k through the emulator's Checkout takes hours here); 100 k scaled from its rate`,
  );
}
