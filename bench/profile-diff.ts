/**
 * @module What the service's own code adds to a token issuance, in process (no HTTP, no kernel):
 * the service app and the house stack floor (`floor/issuance-stack.ts`'s route over the same
 * `issuance-work.ts`, on the same database) answer the same requests in alternating rounds.
 * Prints the median of the rounds' CPU difference per issuance, then both sides' self time per
 * function from a 50 µs-sampled profile, largest difference first.
 *   npx tsx bench/profile-diff.ts        (ROUNDS=40 N=1000 PROFILE_N=3000 TOP=40)
 */
import { stackApp } from './floor/issuance-stack-app';
import { issuanceWork } from './floor/issuance-work';
import { inProcessService } from './in-process';
import { printSelfTimeDiff, selfTimes } from './self-times';

const ROUNDS = Number(process.env.ROUNDS ?? 40);
const N = Number(process.env.N ?? 1000);
const PROFILE_N = Number(process.env.PROFILE_N ?? 3000);
const TOP = Number(process.env.TOP ?? 40);

const { app: service, dbFile, publisherId, sessionToken } = await inProcessService();

// The stack floor's app, as bench/floor/issuance-stack.ts serves it.
const stack = stackApp(issuanceWork(dbFile));

type App = { fetch(request: Request): Response | Promise<Response> };
const text = JSON.stringify({ publisher: publisherId });
const headers = {
  'content-type': 'application/json',
  'content-length': String(text.length),
  authorization: `Bearer ${sessionToken}`,
};

/** CPU µs per issuance over `n` requests (an HTTP client's request: Content-Length set). */
async function cpuPerIssuance(app: App, n: number): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const request = new Request('http://127.0.0.1/v1/me/entitlement-token', {
      method: 'POST',
      headers,
      body: text,
    });
    const res = await app.fetch(request);
    if (res.status !== 200) throw new Error(`issuance answered ${res.status}`);
    await res.text();
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / n;
}

await cpuPerIssuance(service, 2000);
await cpuPerIssuance(stack, 2000);
const differences: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  differences.push((await cpuPerIssuance(service, N)) - (await cpuPerIssuance(stack, N)));
}
differences.sort((a, b) => a - b);
const median = differences[Math.floor(differences.length / 2)] ?? Number.NaN;
console.log(
  `service over stack floor: ${median.toFixed(1)} µs CPU per issuance (median of ${ROUNDS} rounds of ${N})`,
);

const ours = await selfTimes(() => cpuPerIssuance(service, PROFILE_N).then(() => undefined), PROFILE_N);
const floor = await selfTimes(() => cpuPerIssuance(stack, PROFILE_N).then(() => undefined), PROFILE_N);
printSelfTimeDiff(ours, floor, 'issuance', TOP);
process.exit(0);
