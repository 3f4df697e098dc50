/** The built `@onepass/verify/statement` under Deno and Bun, through statement-smoke.ts beside this file. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../../..');
const smoke = path.join(import.meta.dirname, 'statement-smoke.ts');

beforeAll(() => {
  const built = path.join(root, 'packages/verify/dist/statement.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
});

describe.each([
  ['deno', ['run', '--sloppy-imports', smoke]],
  ['bun', [smoke]],
])('the built statement module under %s', (runtime, args) => {
  it('gives the documented root, verifies a signed statement and catches a changed read', async () => {
    const { stdout } = await run(path.join(root, 'node_modules', '.bin', runtime), args, {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' },
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({
      runtime,
      root: '00b486d3410f16d9128b7c1cf8f8a4702a1ead513806e3fd24cbbb3f1659ca12',
      good: true,
      bad: 'subtree_root',
    });
  });
});
