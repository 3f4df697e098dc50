/**
 * The package as npm publishes it: `npm pack` of the built package, installed alone into an empty
 * directory, must bring nothing else along and must verify tokens from a plain Node script there.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'onepass-verify-pack-'));

interface PackResult {
  filename: string;
  files: { path: string }[];
}

let packed: PackResult;

beforeAll(async () => {
  const built = path.join(packageDir, 'dist/index.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: packageDir });
  const [result] = JSON.parse(stdout) as PackResult[];
  if (result === undefined) throw new Error(`npm pack said nothing: ${stdout}`);
  packed = result;
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

it('packs only the built code, its types, the README and package.json', () => {
  const files = packed.files.map((file) => file.path).sort();

  expect(files).toContain('package.json');
  expect(files).toContain('README.md');
  expect(files).toContain('dist/index.js');
  expect(files).toContain('dist/index.d.ts');
  expect(files).toContain('dist/hono.js');
  expect(files).toContain('dist/hono.d.ts');
  expect(files.filter((file) => !file.startsWith('dist/'))).toEqual(['README.md', 'package.json']);
});

it('installs alone into an empty project, with no other package, and verifies there', async () => {
  const project = path.join(work, 'publisher');
  mkdirSync(project);
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'publisher-site', private: true, type: 'module' }),
  );
  await run('npm', ['install', path.join(work, packed.filename), '--no-audit', '--no-fund'], {
    cwd: project,
  });

  const installed = readdirSync(path.join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
  expect(installed).toEqual(['@onepass']);
  expect(readdirSync(path.join(project, 'node_modules', '@onepass'))).toEqual(['verify']);

  copyFileSync(path.join(import.meta.dirname, 'consumer.mjs'), path.join(project, 'consumer.mjs'));
  const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: project, timeout: 30_000 });

  expect(JSON.parse(stdout)).toEqual({
    sub: 'prw_7c1e0f3a9b2d4e6f',
    membership: 'paid',
    forgery: 'invalid_signature',
  });
});
