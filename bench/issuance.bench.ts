/**
 * @module Token issuance (`POST /v1/me/entitlement-token`) on the Node door with autocannon, against
 * the floor measured in the same run: the bare `node:http` server of `bench/floor/issuance-server.ts`
 * (only the mandated work, no framework) on the same database file. Target: the service issues at
 * ≥ 0.8× the floor's rate (issue 16). Both health routes are printed too, for what the per-request
 * machinery costs on an empty request; also prints the query plan of the one indexed read. Between
 * them runs the house stack's floor (`bench/floor/issuance-stack.ts`: the same work behind
 * @hono/node-server, an OpenAPIHono route and zod, nothing of the service's own), which splits the
 * gap into what the framework costs and what the service's own code adds.
 */
import { createClient } from '@libsql/client';
import type autocannon from 'autocannon';
import { freePort } from '../tools/free-port';
import { runAutocannon, target } from './lib';
import { seedPublisherAndReader, startScript, startServer } from './server';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const server = await startServer();
const { publisherId, sessionToken } = await seedPublisherAndReader(server.url, server.adminKey);

/** One of the floors, on the service's database file. */
async function startFloor(script: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return { url, ...(await startScript(script, [server.dbFile, String(port)], `${url}/health`)) };
}
const floor = await startFloor('bench/floor/issuance-server.ts');
const stackFloor = await startFloor('bench/floor/issuance-stack.ts');

/**
 * Health and issuance against one server, in 2 interleaved rounds of DURATION seconds each, with
 * the server's CPU time per request (`cpu`: its process's CPU µs so far, where the OS tells).
 */
async function measure(base: string, cpu: () => number | null) {
  const health: autocannon.Options = { url: `${base}/health`, connections: 16, duration: DURATION };
  const issuance: autocannon.Options = {
    url: `${base}/v1/me/entitlement-token`,
    method: 'POST',
    connections: 16,
    duration: DURATION,
    headers: { authorization: `Bearer ${sessionToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ publisher: publisherId }),
  };
  await runAutocannon({ ...health, duration: 1 }); // warm-up
  await runAutocannon({ ...issuance, duration: 1 });
  const rounds: Array<{ health: autocannon.Result; token: autocannon.Result }> = [];
  const cpuPer = { health: [] as number[], token: [] as number[] };
  /** One run, and the server's CPU µs per request over it. */
  const run = async (options: autocannon.Options, into: number[]) => {
    const before = cpu();
    const result = await runAutocannon(options);
    const after = cpu();
    if (before !== null && after !== null) into.push((after - before) / Math.max(1, result.requests.total));
    return result;
  };
  for (let i = 0; i < 2; i++)
    rounds.push({ health: await run(health, cpuPer.health), token: await run(issuance, cpuPer.token) });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    healthCpu: cpuPer.health.length > 0 ? mean(cpuPer.health) : null,
    tokenCpu: cpuPer.token.length > 0 ? mean(cpuPer.token) : null,
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
const service = await measure(server.url, server.cpuMicros);
process.stdout.write(', the bare node:http floor');
const bare = await measure(floor.url, floor.cpuMicros);
process.stdout.write(', then the house stack floor\n');
const stack = await measure(stackFloor.url, stackFloor.cpuMicros);
await floor.stop();
await stackFloor.stop();

const ratio = service.tokenRps / bare.tokenRps;
console.log(
  `\nToken issuance (Node door, libSQL file, 16 connections, ${DURATION}s × 2 rounds), against the bare floor of the same run`,
);
console.log(
  '                                     service                    floor (bare node:http)   service/floor',
);
const line = (label: string, s: number, sp99: number, f: number, fp99: number) =>
  console.log(
    `  ${label.padEnd(33)}${rps(s)} req/s  p99 ${sp99.toFixed(1).padStart(5)} ms  ${rps(f)} req/s  p99 ${fp99.toFixed(1).padStart(5)} ms   ${(s / f).toFixed(2)}×`,
  );
line('POST /v1/me/entitlement-token', service.tokenRps, service.tokenP99, bare.tokenRps, bare.tokenP99);
line('GET /health', service.healthRps, service.healthP99, bare.healthRps, bare.healthP99);
const cpuLine = (label: string, s: number | null, f: number | null) =>
  s !== null && f !== null
    ? console.log(
        `  ${label.padEnd(33)}${s.toFixed(0).padStart(8)} µs CPU/req           ${f.toFixed(0).padStart(8)} µs CPU/req            ${(f / s).toFixed(2)}×`,
      )
    : undefined;
cpuLine('  server CPU per issuance', service.tokenCpu, bare.tokenCpu);
cpuLine('  server CPU per health', service.healthCpu, bare.healthCpu);
console.log(`  errors or non-2xx answers: ${service.errors + bare.errors + stack.errors}`);
console.log(
  '  (the floor does only the mandated work: token hash, the same indexed read, one ES256 signature, one JSON answer)',
);
const cpuPart = (cpu: number | null) => (cpu === null ? '' : `, ${cpu.toFixed(0)} µs CPU/req`);
console.log(
  `  house stack floor (the same work behind @hono/node-server, OpenAPIHono and zod): ${rps(stack.tokenRps).trim()} req/s${cpuPart(stack.tokenCpu)}`,
);
console.log(
  `    stack floor / bare floor ${(stack.tokenRps / bare.tokenRps).toFixed(2)}× (what the framework costs); service / stack floor ${(service.tokenRps / stack.tokenRps).toFixed(2)}× (what the service's own code costs)`,
);
target(
  'issuance / floor',
  ratio,
  0.8,
  `${rps(service.tokenRps).trim()} vs ${rps(bare.tokenRps).trim()} req/s; p99 ${service.tokenP99.toFixed(1)} ms vs ${bare.tokenP99.toFixed(1)} ms`,
);

const db = createClient({ url: `file:${server.dbFile}` });
const plan = await db.execute(
  `EXPLAIN QUERY PLAN SELECT * FROM sessions INNER JOIN readers ON readers.id = sessions.reader_id
   LEFT JOIN memberships ON memberships.reader_id = sessions.reader_id
   LEFT JOIN seats ON seats.member_reader_id = sessions.reader_id
   LEFT JOIN memberships owner_membership ON owner_membership.reader_id = seats.owner_reader_id
   WHERE sessions.token_hash = ? LIMIT 1`,
  ['x'],
);
console.log('\n  Query plan of the session lookup (one indexed read per request):');
for (const row of plan.rows) console.log(`    ${String(row.detail)}`);
db.close();
await server.stop();
