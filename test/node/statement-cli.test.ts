/**
 * @module The statement command as publishers run it: `npm pack` of the built `@onepass/verify`,
 * installed alone, then `npx @onepass/verify statement <file>` on the answer the running Node door
 * gave (every page of leaves), against its JWKS over HTTP or from a file: exit 0 when good, 1 on a
 * tampered file, 2 on bad usage.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPublisher } from '../support/door';
import { type NodeDoor, serveNodeDoor, startNodeDoor } from '../support/node-door';

const run = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, '../../packages/verify');
const work = mkdtempSync(path.join(tmpdir(), 'onepass-statement-cli-'));
const project = path.join(work, 'publisher');

let door: NodeDoor;
let served: { url: string; close(): Promise<void> };
let packedFiles: string[] = [];

beforeAll(async () => {
  if (!existsSync(path.join(packageDir, 'dist/cli.js'))) throw new Error('run `npm run build` first');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: packageDir });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packedFiles = packed?.files.map((f) => f.path) ?? [];
  mkdirSync(project);
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'site', private: true, type: 'module' }),
  );
  await run('npm', ['install', path.join(work, packed?.filename ?? ''), '--no-audit', '--no-fund'], {
    cwd: project,
  });
  door = await startNodeDoor();
  served = await serveNodeDoor(door);
}, 120_000);

afterAll(async () => {
  await served?.close();
  door?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The command's exit code and output (a non-zero exit is an answer here, not an error). */
async function statementCommand(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['--offline', '@onepass/verify', 'statement', ...args], {
      cwd: project,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: Number(e.code), stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

it('ships the command in the package', () => {
  expect(packedFiles).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/statement.js', 'package.json']));
});

it('verifies the statement the service made, and fails a tampered one', async () => {
  const { publisher, api_key } = await createPublisher(door, 'CLI Times', ['https://cli.example']);
  for (const [subject, article, day] of [
    ['s1', 'a', '1998-05-01'],
    ['s2', 'a', '1998-05-02'],
    ['s2', 'b', '1998-05-31'],
  ]) {
    await door.query(
      sql`insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
          values (${publisher.id}, ${subject}, ${article}, ${day}, 'paid', 1, 0)`,
    );
  }
  const made = await door.call('POST', '/v1/admin/payouts', {
    token: door.adminKey,
    body: { month: '1998-05', amount: 300, currency: 'EUR' },
  });
  expect(made.status, made.text).toBe(201);
  const first = await door.call('GET', '/v1/publisher/statements/1998-05?limit=2', { token: api_key });
  const rest = await door.call(
    'GET',
    `/v1/publisher/statements/1998-05?limit=2&cursor=${first.json.next_cursor}`,
    {
      token: api_key,
    },
  );
  expect(rest.json.next_cursor).toBeNull();
  const doc = { ...first.json, leaves: [...first.json.leaves, ...rest.json.leaves], next_cursor: null };
  const good = path.join(work, 'good.json');
  writeFileSync(good, JSON.stringify(doc));
  const jwksUrl = `${served.url}/.well-known/jwks.json`;

  const passed = await statementCommand(good, '--jwks', jwksUrl);
  expect(passed.code, passed.stderr + passed.stdout).toBe(0);
  for (const name of [
    'format',
    'signature',
    'leaves',
    'leaf_count',
    'subtree_root',
    'root',
    'total_reads',
    'split',
  ]) {
    expect(passed.stdout).toMatch(new RegExp(`^ok\\s+${name}\\s`, 'm'));
  }
  expect(passed.stdout).toContain('The statement verifies.');

  const jwksFile = path.join(work, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify((await door.call('GET', '/.well-known/jwks.json')).json));
  const json = await statementCommand(good, '--jwks', jwksFile, '--json');
  expect(json.code).toBe(0);
  expect(JSON.parse(json.stdout).ok).toBe(true);

  const tampered = path.join(work, 'tampered.json');
  writeFileSync(
    tampered,
    JSON.stringify({
      ...doc,
      leaves: doc.leaves.map((l: { day: string }, i: number) => (i === 1 ? { ...l, day: '1998-05-03' } : l)),
    }),
  );
  const failed = await statementCommand(tampered, '--jwks', jwksUrl);
  expect(failed.code).toBe(1);
  expect(failed.stdout).toMatch(/^FAIL\s+subtree_root\s/m);
  expect(failed.stdout).toContain('does NOT verify');

  const partial = path.join(work, 'partial.json');
  writeFileSync(partial, JSON.stringify(first.json));
  expect((await statementCommand(partial, '--jwks', jwksUrl)).code).toBe(2);
  const untrusted = await statementCommand(good);
  expect(untrusted.code).toBe(2);
  expect(untrusted.stderr).toContain('--issuer or --jwks');
});
