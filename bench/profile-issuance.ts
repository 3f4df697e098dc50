/**
 * @module CPU profile of the token issuance path, in process (no HTTP), for `--cpu-prof`:
 *   npx tsx --cpu-prof --cpu-prof-dir=bench/results bench/profile-issuance.ts
 * then `npx tsx bench/profile-summary.ts bench/results/<file>.cpuprofile`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDevSecrets } from '../src/lib/dev-secrets';
import { createNodeApp, createNodeContext } from '../src/node';

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
const call = async (p: string, body: unknown, token: string) =>
  (
    await app.request(`http://127.0.0.1:8787${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    })
  ).json() as Promise<unknown>;
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
const started = performance.now();
for (let i = 0; i < N; i++)
  await call('/v1/me/entitlement-token', { publisher: pub.publisher.id }, reader.session_token);
const ms = performance.now() - started;
console.log(
  `${N} issuances in process: ${(ms / N).toFixed(3)} ms each, ${Math.round((N * 1000) / ms)} per second`,
);
