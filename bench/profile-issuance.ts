/**
 * @module CPU profile of the token issuance path, in process (no HTTP), after a warm-up, so start-up
 * and module loading stay out of it:
 *   npx tsx bench/profile-issuance.ts            (writes bench/results/issuance.cpuprofile)
 * then `npx tsx bench/profile-summary.ts bench/results/issuance.cpuprofile`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { inProcessService } from './in-process';

const N = Number(process.env.N ?? 3000);
const { post, publisherId, sessionToken } = await inProcessService();
const issue = () => post('/v1/me/entitlement-token', { publisher: publisherId }, sessionToken);
for (let i = 0; i < 500; i++) await issue();
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const started = performance.now();
for (let i = 0; i < N; i++) await issue();
const ms = performance.now() - started;
const { profile } = await session.post('Profiler.stop');
const out = path.join(import.meta.dirname, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'issuance.cpuprofile'), JSON.stringify(profile));
console.log(
  `${N} issuances in process: ${(ms / N).toFixed(3)} ms each, ${Math.round((N * 1000) / ms)} per second`,
);
