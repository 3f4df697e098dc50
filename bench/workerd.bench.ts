/**
 * @module The Workers door in workerd itself (issue 16, items 3 and 4), not through `wrangler dev`'s
 * proxy: the Worker built exactly as deployed (`wrangler deploy --dry-run`) run by Miniflare's API
 * on a local D1 with the real migrations, beside a bare module Worker doing only the mandated work
 * of an issuance (`bench/floor/issuance-worker.ts`) on the same database. Prints health and
 * issuance (req/s, p99, service/floor: target ≥ 0.8×), workerd's CPU time per request against the
 * free plan's 10 ms, the cold start of each, and the SDK's verify against raw `crypto.subtle.verify`
 * inside workerd (target ≥ 0.9×). `npm run bench workerd` runs it alone.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { target } from './lib';
import { ROOT } from './worker-build';
import { coldStarts } from './workerd/cold-start';
import { issuanceRequest, loadRounds, routes } from './workerd/load';
import { printColdStarts, printLoad } from './workerd/print';
import { setUpWorkers } from './workerd/setup';
import { printVerify, verifyInWorkerd } from './workerd/verify';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = 4;
const COLD_STARTS = 5;

const bench = await setUpWorkers();
try {
  const { workerd } = bench;
  process.stdout.write('  measuring the service and the bare floor in one workerd, interleaved\n');
  const load = await loadRounds(
    workerd.urls,
    workerd.pid,
    routes(bench.session, bench.publisher, 16, DURATION),
    ROUNDS,
  );
  await workerd.dispose();
  if (!load.service || !load.floor) throw new Error('no figures');
  printLoad(
    load.service,
    load.floor,
    `Token issuance in workerd (Miniflare's API, direct sockets, local D1, 16 connections, ${DURATION}s × ${ROUNDS} rounds), against the bare floor of the same run`,
  );

  const cold = await coldStarts(
    [bench.service, bench.floor],
    bench.persistDir,
    (base) => [
      `${base}/v1/me/entitlement-token`,
      { method: 'POST', ...issuanceRequest(bench.session, bench.publisher) },
    ],
    COLD_STARTS,
  );
  const gzipped = gzipSync(readFileSync(bench.build.script), { level: 9 }).length;
  if (cold.service && cold.floor)
    printColdStarts(cold.service, cold.floor, COLD_STARTS, gzipped, 'POST /v1/me/entitlement-token');

  const verifyRatio = printVerify(await verifyInWorkerd(ROOT, bench.compatibility, bench.persistDir));
  target('fresh SDK / raw crypto.subtle.verify in workerd', verifyRatio, 0.9);
} finally {
  await bench.cleanUp();
}
