/**
 * @module How fast the period ledger takes a day (issue 16, item 6): N reads of one day written
 * into a Node door's `reads` (libSQL file), sealed into the month's shard files by the scheduled
 * job's own code, then the month's statement walk from the ledger against the same walk over
 * `reads` in the same run. Run: `npx tsx bench/ledger-seal.bench.ts [reads=200000]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createNodeContext } from '../src/app/node-context';
import { sealClosedDays } from '../src/features/ledger/seal';
import { monthSubtrees } from '../src/features/payouts/tree';
import { generateDevSecrets } from '../src/lib/dev-secrets';
import { inTurn, medianOf, target } from './lib';

const WALK_ROUNDS = 5;

// A count as the first argument when run alone; under `npm run bench` the arguments are bench names.
const asked = Number(process.argv[2]);
const N = Number.isInteger(asked) && asked > 0 ? asked : 200_000;
const dir = mkdtempSync(path.join(tmpdir(), 'onepass-ledger-seal-'));
const env = {
  ENVIRONMENT: 'test',
  LOG_LEVEL: 'warn',
  DATABASE_URL: `file:${path.join(dir, 'paywall.db')}`,
  LEDGER_DATABASE_URL: `file:${path.join(dir, 'ledger', '{month}-{shard}.db')}`,
  LEDGER_ARCHIVE_DIR: path.join(dir, 'archive'),
  LEDGER_SHARDS: '2',
  ...(await generateDevSecrets()),
};
const ctx = await createNodeContext(env);
const ledger = ctx.ledger;
if (!ledger) throw new Error('no ledger');
const day = '2026-11-15';
await ctx.db.run(
  sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < 99)
      insert into publishers (id, name, origins, api_key_hash, api_key_prefix, created_at, updated_at)
      select 'pub_' || printf('%04d', i), 'Publisher ' || i, '[]', 'hash' || i, 'pk', 0, 0 from n`,
);
await ctx.db.run(
  sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < ${N - 1})
      insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
      select 'pub_' || printf('%04d', i % 100), 'prw_' || substr(hex(randomblob(16)), 1, 32) || (i / 100),
        '2026/11/' || (i % 5000) || '-city-council-approves-night-buses', ${day}, 'paid', 1, 0 from n`,
);
const plan = await ctx.db.all<{ detail: string }>(
  sql`explain query plan select rowid as id, publisher_id, subject, article_id from reads
      where day = ${day} and rowid > 0 order by rowid limit 1000`,
);
console.log(`  a sealing page's query plan: ${plan.map((p) => p.detail).join('; ')}`);
const at = { ...ctx, now: () => new Date('2026-12-02T00:00:00Z') };
const start = performance.now();
const sealed = await sealClosedDays(at, ledger, { pages: Number.MAX_SAFE_INTEGER });
const sealMs = performance.now() - start;
console.log(
  `  sealing: ${N.toLocaleString('en-US')} reads of ${sealed} day in ${(sealMs / 1000).toFixed(1)} s: ` +
    `${Math.round(N / (sealMs / 1000)).toLocaleString('en-US')} reads/s into 2 shard files`,
);
const walk = async (c: typeof ctx) => {
  const t = performance.now();
  const subtrees = await monthSubtrees(c, '2026-11');
  const reads = [...subtrees.values()].reduce((s, x) => s + x.reads, 0);
  if (reads !== N) throw new Error(`a walk saw ${reads} of ${N} reads`);
  return performance.now() - t;
};
// The two walks share their code (the tree, the hashing): one unmeasured walk of each warms it and
// the files up, then rounds in turn, so that neither always pays for going first.
const ledgerWalk = { ctx: at, ms: [] as number[] };
const hotWalk = { ctx: { ...at, ledger: undefined }, ms: [] as number[] };
const walks = [ledgerWalk, hotWalk];
for (const w of walks) await walk(w.ctx);
for (let round = 0; round < WALK_ROUNDS; round++) {
  for (const w of inTurn(walks, round)) w.ms.push(await walk(w.ctx));
}
const fromLedger = medianOf(ledgerWalk.ms);
const fromHot = medianOf(hotWalk.ms);
console.log(
  `  statement walk (median of ${WALK_ROUNDS} rounds in turn, after a warm-up walk of each): from the ledger ${(fromLedger / 1000).toFixed(2)} s, from reads ${(fromHot / 1000).toFixed(2)} s ` +
    `(ledger / reads ${(fromLedger / fromHot).toFixed(2)}×; rounds ${ledgerWalk.ms.map((ms, i) => (ms / (hotWalk.ms[i] ?? ms)).toFixed(2)).join(', ')})`,
);
target('statement walk from the ledger, against the walk over `reads`', fromHot / fromLedger, 0.8);
rmSync(dir, { recursive: true, force: true });
