/**
 * @module CPU profile of the token issuance path, in process (no HTTP), after a warm-up, so start-up
 * and module loading stay out of it:
 *   npx tsx bench/profile-issuance.ts            (writes bench/results/issuance.cpuprofile)
 * then `npx tsx bench/profile-summary.ts bench/results/issuance.cpuprofile`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeApp, createNodeContext } from '../src/app/node-context';
import { generateDevSecrets } from '../src/lib/dev-secrets';

const N = Number(process.env.N ?? 3000);
const dir = mkdtempSync(path.join(tmpdir(), 'onepass-prof-'));
const env = {
  ENVIRONMENT: 'test',
  LOG_LEVEL: 'error',
  DATABASE_URL: `file:${dir}/p.db`,
  ...(await generateDevSecrets()),
};
const ctx = await createNodeContext(env);
const app = createNodeApp(ctx);
// Content-Length as an HTTP client sends it: the body limit then never has to stream the body.
const call = async (p: string, body: unknown, token: string) => {
  const text = JSON.stringify(body);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    authorization: `Bearer ${token}`,
  };
  return (await app.request(`http://127.0.0.1:8787${p}`, { method: 'POST', headers, body: text })).json();
};
const pub = (await call(
  '/v1/admin/publishers',
  { name: 'P', origins: ['https://p.example'] },
  env.ADMIN_API_KEY,
)) as {
  publisher: { id: string };
};
const reader = (await call('/v1/readers', { email: 'p@example.com', password: 'profile password' }, '')) as {
  session_token: string;
};
const issue = () => call('/v1/me/entitlement-token', { publisher: pub.publisher.id }, reader.session_token);
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
