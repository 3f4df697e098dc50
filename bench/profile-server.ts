/**
 * @module CPU profile of the Node door itself under HTTP load (the adapter, middleware, routing,
 * validation, the database and the Response, as `npm start` runs them): starts `src/doors/node.ts`
 * with `--cpu-prof`, warms up, loads one route with autocannon, stops the server and summarises.
 *   npx tsx bench/profile-server.ts [issuance|health]
 * writes bench/results/server-<route>.cpuprofile, then profiles the bare floor
 * (bench/floor/issuance-server.ts) under the same load on the same database into
 * bench/results/floor-<route>.cpuprofile (summaries: bench/profile-summary.ts <file> <seconds>).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDevSecrets } from '../src/lib/dev-secrets';
import { freePort } from '../tools/free-port';
import { runAutocannon } from './lib';
import { json, waitUntilUp } from './server';

const route = process.argv[2] ?? 'issuance';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROOT = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'onepass-prof-'));
const port = await freePort();
const secrets = await generateDevSecrets();
const url = `http://127.0.0.1:${port}`;
const child = spawn(
  process.execPath,
  ['--cpu-prof', '--cpu-prof-dir', dir, '--import', 'tsx', 'src/doors/node.ts'],
  {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'error',
      JOBS_INTERVAL_SECONDS: '0',
      PORT: String(port),
      DATABASE_URL: `file:${dir}/p.db`,
      ...secrets,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
await waitUntilUp(`${url}/health`);
const publisher = await json(`${url}/v1/admin/publishers`, {
  method: 'POST',
  token: secrets.ADMIN_API_KEY,
  body: { name: 'Profile Daily', origins: ['https://profile.example'] },
});
const reader = await json(`${url}/v1/readers`, {
  method: 'POST',
  body: { email: 'profile@example.com', password: 'profile password' },
});
const options =
  route === 'health'
    ? { url: `${url}/health` }
    : {
        url: `${url}/v1/me/entitlement-token`,
        method: 'POST' as const,
        headers: { authorization: `Bearer ${reader.session_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ publisher: publisher.publisher.id }),
      };
const out = path.join(import.meta.dirname, 'results');
mkdirSync(out, { recursive: true });

/** Loads `base` (warm-up, then SECONDS), stops `server` and moves its profile to results/<name>-<route>. */
async function profile(name: string, base: string, server: ChildProcess, profileDir: string) {
  const load = { ...options, url: options.url.replace(url, base) };
  await runAutocannon({ ...load, connections: 16, duration: 2 });
  const result = await runAutocannon({ ...load, connections: 16, duration: SECONDS });
  console.log(`${name} ${route}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`);
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const target = path.join(out, `${name}-${route}.cpuprofile`);
  renameSync(path.join(profileDir, file), target);
  console.log(`profile: ${path.relative(process.cwd(), target)}`);
}

await profile('server', url, child, dir);
const floorDir = mkdtempSync(path.join(tmpdir(), 'onepass-prof-floor-'));
const floorPort = await freePort();
const floor = spawn(
  process.execPath,
  [
    '--cpu-prof',
    '--cpu-prof-dir',
    floorDir,
    '--import',
    'tsx',
    'bench/floor/issuance-server.ts',
    `${dir}/p.db`,
    String(floorPort),
  ],
  { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
);
const floorUrl = `http://127.0.0.1:${floorPort}`;
await waitUntilUp(`${floorUrl}/health`);
await profile('floor', floorUrl, floor, floorDir);
