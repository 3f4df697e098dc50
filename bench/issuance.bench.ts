/**
 * @module Token issuance (`POST /v1/me/entitlement-token`) against a bare health route on the same
 * Node server and runtime, with autocannon; then the same pair of routes on the bare floor server
 * (`bench/floor/issuance-server.ts`, only the mandated work, no framework) on the same database
 * file; also prints the query plan of the one indexed read.
 */
import { createClient } from '@libsql/client';
import type autocannon from 'autocannon';
import { freePort } from '../tools/free-port';
import { runAutocannon, target } from './lib';
import { json, startScript, startServer } from './server';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const server = await startServer();
const publisher = await json(`${server.url}/v1/admin/publishers`, {
  method: 'POST',
  token: server.adminKey,
  body: { name: 'Bench Daily', origins: ['https://bench.example'] },
});
const reader = await json(`${server.url}/v1/readers`, {
  method: 'POST',
  body: { email: 'bench@example.com', password: 'bench password' },
});

const floorPort = await freePort();
const floorUrl = `http://127.0.0.1:${floorPort}`;
const floor = await startScript(
  'bench/floor/issuance-server.ts',
  [server.dbFile, String(floorPort)],
  `${floorUrl}/health`,
);

/** Health and issuance against one server, in 2 interleaved rounds of DURATION seconds each. */
async function measure(base: string) {
  const health: autocannon.Options = { url: `${base}/health`, connections: 16, duration: DURATION };
  const issuance: autocannon.Options = {
    url: `${base}/v1/me/entitlement-token`,
    method: 'POST',
    connections: 16,
    duration: DURATION,
    headers: { authorization: `Bearer ${reader.session_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ publisher: publisher.publisher.id }),
  };
  await runAutocannon({ ...health, duration: 1 }); // warm-up
  await runAutocannon({ ...issuance, duration: 1 });
  const rounds: Array<{ health: autocannon.Result; token: autocannon.Result }> = [];
  for (let i = 0; i < 2; i++)
    rounds.push({ health: await runAutocannon(health), token: await runAutocannon(issuance) });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    healthRps: mean(rounds.map((r) => r.health.requests.average)),
    healthP99: mean(rounds.map((r) => r.health.latency.p99)),
    tokenRps: mean(rounds.map((r) => r.token.requests.average)),
    tokenP99: mean(rounds.map((r) => r.token.latency.p99)),
    errors: rounds.reduce(
      (n, r) => n + r.token.errors + r.token.non2xx + r.health.errors + r.health.non2xx,
      0,
    ),
  };
}

const rps = (n: number) => Math.round(n).toLocaleString('en-US').padStart(8);
process.stdout.write('  measuring the service');
const service = await measure(server.url);
process.stdout.write(', then the bare node:http floor\n');
const bare = await measure(floorUrl);
await floor.stop();

console.log(
  `\nToken issuance vs health route (Node door, libSQL file, 16 connections, ${DURATION}s × 2 rounds)`,
);
console.log(
  `  GET /health                      ${rps(service.healthRps)} req/s  p99 ${service.healthP99.toFixed(1)} ms`,
);
console.log(
  `  POST /v1/me/entitlement-token    ${rps(service.tokenRps)} req/s  p99 ${service.tokenP99.toFixed(1)} ms  ${(service.tokenRps / service.healthRps).toFixed(2)}×`,
);
console.log(`  errors or non-2xx answers: ${service.errors + bare.errors}`);
console.log(
  '  Floor: a bare node:http server doing only the mandated work (token hash, the same indexed read, one ES256 signature):',
);
console.log(`    its GET /health                ${rps(bare.healthRps)} req/s`);
console.log(
  `    its token route                ${rps(bare.tokenRps)} req/s  ${(bare.tokenRps / bare.healthRps).toFixed(2)}×  (service token route: ${(service.tokenRps / bare.tokenRps).toFixed(2)}× the floor's)`,
);
target('issuance / health', service.tokenRps / service.healthRps, 0.5, bare.tokenRps / bare.healthRps);

const db = createClient({ url: `file:${server.dbFile}` });
const plan = await db.execute(
  `EXPLAIN QUERY PLAN SELECT * FROM sessions INNER JOIN readers ON readers.id = sessions.reader_id
   LEFT JOIN memberships ON memberships.reader_id = sessions.reader_id WHERE sessions.token_hash = ? AND sessions.expires_at > ?`,
  ['x', 0],
);
console.log('\n  Query plan of the session lookup (one indexed read per request):');
for (const row of plan.rows) console.log(`    ${String(row.detail)}`);
db.close();
await server.stop();
