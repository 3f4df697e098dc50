/**
 * @module The admin command line against a real server: `npm start`'s entry on a free port with a
 * fresh libSQL file and its own Stripe emulator; the CLI runs as its own process, as an operator runs it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDevSecrets } from '../../src/lib/dev-secrets';
import { freePort } from '../../tools/free-port';
import { startStripeEmulator } from '../../tools/stripe-emulator';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'onepass-cli-'));
const dbFile = path.join(dir, 'cli.db');
let server: ChildProcess | undefined;
let emulator: Awaited<ReturnType<typeof startStripeEmulator>> | undefined;
let base = '';
let key = '';

/** Runs `npm run admin -- …` (the same entry, the same Node that runs the tests). */
function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ONEPASS_URL: base, ONEPASS_ADMIN_KEY: key, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, deliveryMode: 'pull', log: () => {} });
  const secrets = await generateDevSecrets();
  key = secrets.ADMIN_API_KEY;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['--import', 'tsx', 'src/doors/node.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...secrets,
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      PUBLIC_URL: base,
      DATABASE_URL: `file:${dbFile}`,
      STRIPE_API_BASE: emulator.url,
      JOBS_INTERVAL_SECONDS: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
});

afterAll(async () => {
  server?.kill('SIGTERM');
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run admin', () => {
  it('runs the business: publishers, keys, members, a payout statement, metrics, reconciliation', async () => {
    const help = await cli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('publisher:create');

    const created = await cli([
      'publisher:create',
      '--name',
      'The Daily Example',
      '--origin',
      'https://daily.example',
      '--origin',
      'https://www.daily.example',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const daily = /Publisher (pub_[a-z2-7]{20}) created/.exec(created.stdout)?.[1] ?? '';
    expect(created.stdout).toMatch(/API key:\s+ppk_test_/);
    const other = await cli([
      'publisher:create',
      '--name',
      'Gazette, "The"',
      '--origin',
      'https://gazette.example',
    ]);
    const gazette = /Publisher (pub_[a-z2-7]{20}) created/.exec(other.stdout)?.[1] ?? '';

    const listed = await cli(['publishers']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^id\s+name\s+origins/m);
    expect(listed.stdout).toContain('https://daily.example https://www.daily.example');

    const support = await cli(['key:create', '--name', 'Support desk', '--role', 'support']);
    expect(support.code, support.stderr).toBe(0);
    const supportKey = /Key: (ak_test_\S+)/.exec(support.stdout)?.[1] ?? '';
    const refused = await cli(['trial:end', 'rdr_aaaaaaaaaaaaaaaaaaaa'], { ONEPASS_ADMIN_KEY: supportKey });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('403 Forbidden');

    // A month of reads: 3 for the Daily, 1 for the Gazette (in January 2025, which has ended).
    const db = createClient({ url: `file:${dbFile}` });
    for (const [publisher, subject] of [
      [daily, 'a'],
      [daily, 'b'],
      [daily, 'c'],
      [gazette, 'a'],
    ]) {
      await db.execute({
        sql: "INSERT INTO reads (publisher_id, subject, article_id, day, membership, created_at) VALUES (?, ?, 'x', '2025-01-15', 'trial', 0)",
        args: [publisher ?? '', subject ?? ''],
      });
    }
    db.close();

    const payout = await cli(['payout', '--month', '2025-01', '--amount', '100001', '--currency', 'eur']);
    expect(payout.code, payout.stderr).toBe(0);
    expect(payout.stdout).toMatch(
      /Payout statement pay_\w+ for 2025-01: 100,001 EUR \(minor units\) over 4 reads/,
    );
    expect(payout.stdout).toMatch(new RegExp(`${daily}\\s+The Daily Example\\s+3\\s+75.00%\\s+75,001`));
    expect(payout.stdout).toMatch(new RegExp(`${gazette}\\s+Gazette, "The"\\s+1\\s+25.00%\\s+25,000`));
    expect(payout.stdout).toMatch(/total\s+4\s+100.00%\s+100,001/);
    const again = await cli(['payout', '--month', '2025-01', '--amount', '5', '--currency', 'EUR']);
    expect(again.stdout).toContain('already stored');
    expect(again.stdout).toContain('100,001 EUR');
    const early = await cli([
      'payout',
      '--month',
      new Date().toISOString().slice(0, 7),
      '--amount',
      '5',
      '--currency',
      'EUR',
    ]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/409 Conflict: .*has not ended yet/);

    const signup = await fetch(`${base}/v1/readers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'Ada.Lovelace@example.com', password: 'analytical engine' }),
    });
    const readerId = ((await signup.json()) as { reader: { id: string } }).reader.id;
    const member = await cli(['member', 'ada.love']);
    expect(member.code, member.stderr).toBe(0);
    expect(member.stdout).toMatch(new RegExp(`^id\\s+${readerId}$`, 'm'));
    expect(member.stdout).toMatch(/^status\s+trialing$/m);
    const members = await cli(['members', '--status', 'trialing']);
    expect(members.stdout).toContain(readerId);
    const ended = await cli(['trial:end', readerId]);
    expect(ended.stdout).toContain('membership is now expired');
    const comped = await cli(['comp', readerId, '--until', '2099-01-01', '--reason', 'Founding reader']);
    expect(comped.code, comped.stderr).toBe(0);
    expect(comped.stdout).toContain('comped until 2099-01-01T00:00:00Z');
    expect((await cli(['member', readerId])).stdout).toMatch(
      /comp until\s+2099-01-01T00:00:00Z \(Founding reader\)/,
    );

    const metrics = await cli(['metrics']);
    expect(metrics.code, metrics.stderr).toBe(0);
    expect(metrics.stdout).toMatch(/trialing\s+active\s+past_due\s+canceled\s+expired\s+comped/);
    expect(metrics.stdout).toMatch(/trials started\s+converted\s+conversion/);
    expect(metrics.stdout).toMatch(/^\s+1\s+0\s+0.00%/m);

    const reconcile = await cli(['reconcile']);
    expect(reconcile.code, reconcile.stderr).toBe(0);
    expect(reconcile.stdout).toMatch(/^run 1: scanned \d+ events, applied \d+, complete$/m);
  });

  it('explains bad usage and bad keys, and exits non-zero', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command');
    const missing = await cli(['payout', '--month', '2025-01']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--amount is required');
    const badKey = await cli(['publishers'], { ONEPASS_ADMIN_KEY: `ak_test_${'x'.repeat(43)}` });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain('401 Authentication required');
    const invalid = await cli(['key:create', '--name', 'x', '--role', 'owner']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/400 Invalid request: .*\n\s+role: /);
    const down = await cli(['publishers'], { ONEPASS_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Cannot reach');
  });

  it('grants the operator console and invites publisher staff', async () => {
    const granted = await cli(['user:grant', '--email', 'Ops@Example.com', '--role', 'admin']);
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toContain(`Ops@Example.com may sign in to ${base}/admin as admin`);
    const users = await fetch(`${base}/v1/admin/users`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await users.json()) as { data: { email: string; role: string }[] }).data).toEqual([
      expect.objectContaining({ email: 'Ops@Example.com', role: 'admin' }),
    ]);
    const created = await cli([
      'publisher:create',
      '--name',
      'Staffed',
      '--origin',
      'https://staffed.example',
    ]);
    const id = /Publisher (pub_[a-z2-7]{20}) created/.exec(created.stdout)?.[1] ?? '';
    const invited = await cli(['staff:invite', id, '--email', 'editor@staffed.example', '--role', 'owner']);
    expect(invited.code, invited.stderr).toBe(0);
    expect(invited.stdout).toContain('editor@staffed.example is invited');
    const staff = await fetch(`${base}/v1/admin/publishers/${id}/staff`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(((await staff.json()) as { data: { role: string }[] }).data.map((m) => m.role)).toEqual(['owner']);
    const badRole = await cli(['user:grant', '--email', 'x@example.com', '--role', 'owner']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('--role must be admin or support');
    const unknown = await cli([
      'staff:invite',
      'pub_aaaaaaaaaaaaaaaaaaaa',
      '--email',
      'a@b.example',
      '--role',
      'viewer',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('404');
  });

  it('imports members from a CSV: a dry run, the import with its summary, then nothing new', async () => {
    const file = path.join(dir, 'members.csv');
    writeFileSync(
      file,
      'email,status,plan,period_end,stripe_customer\r\n' +
        'csv.one@example.com,active,monthly,2030-01-01,cus_csvone1\r\n' +
        '"csv.two@example.com",comped,,2030-02-01,\r\n' +
        'broken,active,monthly,2030-01-01,cus_csvbad1\r\n',
    );
    const dry = await cli(['import', file, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('3/3');
    expect(dry.stdout).toContain(
      'Dry run (nothing written): would have created 2, linked 0, skipped 0, invalid 1.',
    );
    expect(dry.stdout).toContain('line 4: broken: email: not an address');
    const done = await cli(['import', file]);
    expect(done.stdout).toContain('created 2, linked 0, skipped 0, invalid 1.');
    const again = await cli(['import', file]);
    expect(again.stdout).toContain('created 0, linked 0, skipped 2, invalid 1.');
    const missing = await cli(['import', path.join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: ENOENT/);
    const noHeader = path.join(dir, 'bad.csv');
    writeFileSync(noHeader, 'who,what\nx,y\n');
    const refused = await cli(['import', noHeader]);
    expect(refused.stderr).toContain('The header has no email column');
  });

  it('says what a proxy answered when the answer is not a problem (an HTML 502 page)', async () => {
    const proxy = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<h1>Bad gateway</h1>');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = proxy.address() as AddressInfo;
      const answered = await cli(['metrics'], { ONEPASS_URL: `http://127.0.0.1:${port}` });
      expect(answered.code).toBe(1);
      expect(answered.stderr).toBe('Error: 502 Bad Gateway: <h1>Bad gateway</h1>\n');
    } finally {
      proxy.close();
    }
  });
});
