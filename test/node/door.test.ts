import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDevSecrets } from '../../src/lib/dev-secrets';
import { freePort } from '../../tools/free-port';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'onepass-door-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** `npm start` is `tsx src/doors/node.ts`; run the same entry with the same Node that runs the tests. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/doors/node.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('npm start (the Node door as a process)', () => {
  it('refuses to start in production without its secrets and names the missing one', async () => {
    const run = start({ ENVIRONMENT: 'production', PUBLIC_URL: 'https://paywall.example' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('ENTITLEMENT_SIGNING_KEY');
    expect(run.output().stderr).toContain('required in production');
  });

  it('refuses a plain-http public URL in production, except on loopback', async () => {
    const secrets = await generateDevSecrets();
    const run = start({
      ...secrets,
      ENVIRONMENT: 'production',
      PUBLIC_URL: 'http://paywall.example',
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      STRIPE_PRICE_MONTHLY: 'price_m',
      STRIPE_PRICE_ANNUAL: 'price_a',
    });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('PUBLIC_URL');
  });

  it('applies the migrations to a new file database, listens and serves the API', async () => {
    const port = await freePort();
    const run = start({
      ...(await generateDevSecrets()),
      ENVIRONMENT: 'test',
      PORT: String(port),
      DATABASE_URL: `file:${path.join(dir, 'door.db')}`,
    });
    const base = `http://127.0.0.1:${port}`;
    let health: Response | undefined;
    for (let i = 0; i < 100 && !health; i++) {
      health = await fetch(`${base}/health`).catch(() => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 100));
    }
    expect(health?.status).toBe(200);
    const res = await fetch(`${base}/v1/readers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'door@example.com', password: 'pass phrase 1' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);

    // Body limits over real HTTP: a declared length is judged before the body is read, a chunked
    // body (no Content-Length) is counted as it streams in.
    const tooBig = JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(70_000) });
    const declared = await fetch(`${base}/v1/readers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: tooBig,
    });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { code: string }).code).toBe('payload_too_large');
    const chunked = (text: string) =>
      fetch(`${base}/v1/readers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            const bytes = new TextEncoder().encode(text);
            for (let i = 0; i < bytes.length; i += 16_384) controller.enqueue(bytes.slice(i, i + 16_384));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
    const streamedTooBig = await chunked(tooBig);
    expect(streamedTooBig.status).toBe(413);
    const streamedOk = await chunked(
      JSON.stringify({ email: 'chunked@example.com', password: 'pass phrase 1' }),
    );
    expect(streamedOk.status).toBe(201);
    expect(((await streamedOk.json()) as { reader: { email: string } }).reader.email).toBe(
      'chunked@example.com',
    );

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 30_000);
});
