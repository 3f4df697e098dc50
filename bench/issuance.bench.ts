/**
 * @module Token issuance (`POST /v1/me/entitlement-token`) against a bare health route on the same
 * Node server and runtime, with autocannon; also prints the query plan of the one indexed read.
 */
import { createClient } from '@libsql/client';
import autocannon from 'autocannon';
import { target } from './lib';
import { json, startServer } from './server';

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

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const health: autocannon.Options = { url: `${server.url}/health`, connections: 16, duration: DURATION };
const issuance: autocannon.Options = {
  url: `${server.url}/v1/me/entitlement-token`,
  method: 'POST',
  connections: 16,
  duration: DURATION,
  headers: { authorization: `Bearer ${reader.session_token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ publisher: publisher.publisher.id }),
};
await run({ ...health, duration: 1 }); // warm-up
await run({ ...issuance, duration: 1 });
const rounds: Array<{ health: autocannon.Result; token: autocannon.Result }> = [];
for (let i = 0; i < 2; i++) rounds.push({ health: await run(health), token: await run(issuance) });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const healthRps = mean(rounds.map((r) => r.health.requests.average));
const tokenRps = mean(rounds.map((r) => r.token.requests.average));
const errors = rounds.reduce(
  (n, r) => n + r.token.errors + r.token.non2xx + r.health.errors + r.health.non2xx,
  0,
);

console.log(
  `\nToken issuance vs health route (Node door, libSQL file, 16 connections, ${DURATION}s × 2 rounds)`,
);
console.log(
  `  GET /health                      ${Math.round(healthRps).toLocaleString('en-US').padStart(8)} req/s  p99 ${mean(rounds.map((r) => r.health.latency.p99)).toFixed(1)} ms`,
);
console.log(
  `  POST /v1/me/entitlement-token    ${Math.round(tokenRps).toLocaleString('en-US').padStart(8)} req/s  p99 ${mean(rounds.map((r) => r.token.latency.p99)).toFixed(1)} ms`,
);
console.log(`  errors or non-2xx answers: ${errors}`);
target('issuance / health', tokenRps / healthRps, 0.5);

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
