/**
 * @module The Node app in process (no HTTP) on a fresh temp database, with a publisher and a
 * signed-up reader: what the in-process profiles (profile-issuance.ts, profile-diff.ts,
 * profile-webhooks.ts) run on.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeApp, createNodeContext } from '../src/app/node-context';
import { generateDevSecrets } from '../src/lib/dev-secrets';

/** `extra` adds to or overrides the environment; `appOn(file)` opens another app of it on a copy. */
export async function inProcessService(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'onepass-prof-'));
  const dbFile = path.join(dir, 'p.db');
  const env = {
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: `file:${dbFile}`,
    ...(await generateDevSecrets()),
    ...extra,
  };
  const appOn = async (file: string) =>
    createNodeApp(await createNodeContext({ ...env, DATABASE_URL: `file:${file}` }));
  const app = createNodeApp(await createNodeContext(env));
  /** A JSON POST with Content-Length as an HTTP client sends it: the body limit never streams the body. */
  const post = async (p: string, body: unknown, token: string) => {
    const text = JSON.stringify(body);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      authorization: `Bearer ${token}`,
    };
    return (await app.request(`http://127.0.0.1:8787${p}`, { method: 'POST', headers, body: text })).json();
  };
  const { publisher } = (await post(
    '/v1/admin/publishers',
    { name: 'P', origins: ['https://p.example'] },
    env.ADMIN_API_KEY,
  )) as { publisher: { id: string } };
  const reader = (await post(
    '/v1/readers',
    { email: 'p@example.com', password: 'profile password' },
    '',
  )) as {
    session_token: string;
  };
  return { app, appOn, dbFile, post, publisherId: publisher.id, sessionToken: reader.session_token };
}
