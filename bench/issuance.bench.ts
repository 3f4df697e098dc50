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
import { inTurn, runAutocannon, target } from './lib';
import { seedPublisherAndReader, startScript, startServer } from './server';

const DURATION = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
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

interface Subject {
  health: autocannon.Options;
  issuance: autocannon.Options;
  /** The server process's CPU µs so far, where the OS tells. */
  cpu: () => number | null;
  rounds: Array<{ health: autocannon.Result; token: autocannon.Result }>;
  cpuPer: { health: number[]; token: number[] };
}

function subject(base: string, cpu: () => number | null): Subject {
  return {
    health: { url: `${base}/health`, connections: 16, duration: DURATION },
    issuance: {
      url: `${base}/v1/me/entitlement-token`,
      method: 'POST',
      connections: 16,
      duration: DURATION,
      headers: { authorization: `Bearer ${sessionToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ publisher: publisherId }),
    },
    cpu,
    rounds: [],
    cpuPer: { health: [], token: [] },
  };
}

/** One run, and the server's CPU µs per request over it. */
async function run(s: Subject, options: autocannon.Options, into: number[]) {
  const before = s.cpu();
  const result = await runAutocannon(options);
  const after = s.cpu();
  if (before !== null && after !== null) into.push((after - before) / Math.max(1, result.requests.total));
  return result;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function summary(s: Subject) {
  return {
    healthCpu: s.cpuPer.health.length > 0 ? mean(s.cpuPer.health) : null,
    tokenCpu: s.cpuPer.token.length > 0 ? mean(s.cpuPer.token) : null,
    healthRps: mean(s.rounds.map((r) => r.health.requests.average)),
    healthP99: mean(s.rounds.map((r) => r.health.latency.p99)),
    tokenRps: mean(s.rounds.map((r) => r.token.requests.average)),
    tokenP99: mean(s.rounds.map((r) => r.token.latency.p99)),
    errors: s.rounds.reduce(
      (n, r) => n + r.token.errors + r.token.non2xx + r.health.errors + r.health.non2xx,
      0,
    ),
  };
}

// The three servers take turns, round by round (the first of a round rotating): a slow spell of this
// shared machine then falls on all of them, not on whichever happened to be measured in it.
const subjects = [
  subject(server.url, server.cpuMicros),
  subject(floor.url, floor.cpuMicros),
  subject(stackFloor.url, stackFloor.cpuMicros),
];
process.stdout.write(
  `  the service, the bare node:http floor and the house stack floor in turn, ${ROUNDS} rounds:`,
);
for (const s of subjects) {
  await runAutocannon({ ...s.health, duration: 1 }); // warm-up
  await runAutocannon({ ...s.issuance, duration: 1 });
}
for (let i = 0; i < ROUNDS; i++) {
  // Which server goes first rotates by round, so that none always runs right after another.
  for (const s of inTurn(subjects, i)) {
    s.rounds.push({
      health: await run(s, s.health, s.cpuPer.health),
      token: await run(s, s.issuance, s.cpuPer.token),
    });
  }
  process.stdout.write(` ${i + 1}`);
}
process.stdout.write('\n');
const [service, bare, stack] = subjects.map(summary) as [
  ReturnType<typeof summary>,
  ReturnType<typeof summary>,
  ReturnType<typeof summary>,
];
const [serviceRounds, bareRounds] = subjects as [Subject, Subject, Subject];
const perRound = serviceRounds.rounds.map(
  (r, i) => r.token.requests.average / (bareRounds.rounds[i]?.token.requests.average ?? Number.NaN),
);
await floor.stop();
await stackFloor.stop();

const rps = (n: number) => Math.round(n).toLocaleString('en-US').padStart(8);
const ratio = service.tokenRps / bare.tokenRps;
console.log(
  `\nToken issuance (Node door, libSQL file, 16 connections, ${ROUNDS} interleaved rounds of ${DURATION}s), against the bare floor of the same run`,
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
console.log(`  issuance / floor by round: ${perRound.map((r) => `${r.toFixed(2)}×`).join(', ')}`);
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
console.log(
  `    its health route: ${rps(stack.healthRps).trim()} req/s${cpuPart(stack.healthCpu)}; service / stack floor on health ${(service.healthRps / stack.healthRps).toFixed(2)}× (the middleware every route runs)`,
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
