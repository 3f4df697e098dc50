/**
 * @module CPU profile of the Node door itself under HTTP load (the adapter, middleware, routing,
 * validation, the database and the Response, as `npm start` runs them): starts `src/doors/node.ts`
 * with `--cpu-prof`, warms up, loads one route with autocannon, stops the server and summarises.
 *   npx tsx bench/profile-server.ts [issuance|health]
 * writes bench/results/server-<route>.cpuprofile, then profiles the bare floor
 * (bench/floor/issuance-server.ts) and the house stack floor (bench/floor/issuance-stack.ts) under
 * the same load on the same database into bench/results/floor-<route>.cpuprofile and
 * stack-<route>.cpuprofile (summaries: bench/profile-summary.ts <file> <seconds>).
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../tools/free-port';
import { runAutocannon } from './lib';
import { seedPublisherAndReader, startDoor, startScript } from './server';

const route = process.argv[2] ?? 'issuance';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const dir = mkdtempSync(path.join(tmpdir(), 'onepass-prof-'));
const door = await startDoor(`${dir}/p.db`, {}, ['--cpu-prof', '--cpu-prof-dir', dir]);
const url = door.url;
const { publisherId, sessionToken } = await seedPublisherAndReader(url, door.adminKey);
const options =
  route === 'health'
    ? { url: `${url}/health` }
    : {
        url: `${url}/v1/me/entitlement-token`,
        method: 'POST' as const,
        headers: { authorization: `Bearer ${sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ publisher: publisherId }),
      };
const out = path.join(import.meta.dirname, 'results');
mkdirSync(out, { recursive: true });

/** Loads `base` (warm-up, then SECONDS), stops `server` and moves its profile to results/<name>-<route>. */
async function profile(name: string, base: string, server: { stop(): Promise<void> }, profileDir: string) {
  const load = { ...options, url: options.url.replace(url, base) };
  await runAutocannon({ ...load, connections: 16, duration: 2 });
  const result = await runAutocannon({ ...load, connections: 16, duration: SECONDS });
  console.log(`${name} ${route}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`);
  await server.stop();
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const target = path.join(out, `${name}-${route}.cpuprofile`);
  renameSync(path.join(profileDir, file), target);
  console.log(`profile: ${path.relative(process.cwd(), target)}`);
}

await profile('server', url, door, dir);
for (const [name, script] of [
  ['floor', 'bench/floor/issuance-server.ts'],
  ['stack', 'bench/floor/issuance-stack.ts'],
] as const) {
  const floorDir = mkdtempSync(path.join(tmpdir(), `onepass-prof-${name}-`));
  const floorPort = await freePort();
  const floorUrl = `http://127.0.0.1:${floorPort}`;
  const floor = await startScript(script, [`${dir}/p.db`, String(floorPort)], `${floorUrl}/health`, {
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', floorDir],
  });
  await profile(name, floorUrl, floor, floorDir);
}
