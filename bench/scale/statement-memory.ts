/**
 * @module Whether a payout statement is built in bounded memory: the month's subtrees
 * (`monthSubtrees`, what `POST /v1/admin/payouts` walks) built in process over each kept
 * scale-bench database, with the heap measured after a full collection every 50 ms while it runs.
 * Flat heap across 10 k, 100 k and 1 M readers means bounded; RSS alone cannot tell garbage from
 * data held. Run after `npm run bench:scale` (it reuses the seeded files):
 *   node --expose-gc --import tsx bench/scale/statement-memory.ts [month=YYYY-MM]
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeContext } from '../../src/app/node-context';
import { monthBounds } from '../../src/domain/payout';
import { monthSubtrees } from '../../src/features/payouts/tree';
import { generateDevSecrets } from '../../src/lib/dev-secrets';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const dir = path.join(tmpdir(), 'onepass-scale');
const files = readdirSync(dir)
  .filter((f) => /^scale-\d+-\d+-.*\.db$/.test(f))
  .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1));
const month = process.argv[2] ?? lastMonth.toISOString().slice(0, 7);
const bounds = monthBounds(month);
if (!bounds) throw new Error(`not a month: ${month}`);
const secrets = await generateDevSecrets();
const mb = (bytes: number) => (bytes / 1e6).toFixed(1).padStart(7);

console.log(`  statement of ${month}: heap after a full GC, sampled before every page of 10,000 reads`);
for (const file of files) {
  const readers = Number(file.split('-')[1]);
  const ctx = await createNodeContext({
    ...secrets,
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: `file:${path.join(dir, file)}`,
  });
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let pages = 0;
  // Each page of the walk starts with a select: sample there, after a full collection.
  const db = new Proxy(ctx.db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== 'select' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        pages++;
        return value.apply(target, args);
      };
    },
  });
  const start = performance.now();
  const subtrees = await monthSubtrees({ ...ctx, db }, month);
  const seconds = (performance.now() - start) / 1000;
  let reads = 0;
  for (const s of subtrees.values()) reads += s.reads;
  console.log(
    `  ${readers.toLocaleString('en-US').padStart(9)} readers: ${reads.toLocaleString('en-US').padStart(10)} reads (${pages} pages) in ${seconds.toFixed(1).padStart(5)} s; heap ${mb(base)} MB before, peak ${mb(peak)} MB (+${mb(peak - base).trim()} MB)`,
  );
}
