/**
 * The built package under Deno and Bun (the `deno` and `bun` npm packages' binaries), through the
 * smoke script beside this file: both signature paths, and the codes a publisher branches on.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../../..');
const smoke = path.join(import.meta.dirname, 'smoke.ts');

beforeAll(() => {
  const built = path.join(root, 'packages/verify/dist/index.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
});

interface ModeReport {
  nodeChecks: number;
  [verdict: string]: unknown;
}
interface SmokeReport {
  runtime: string;
  nodeCrypto: { reachable: boolean; takesKeyObjects: boolean };
  modes: Record<'auto' | 'webcrypto', ModeReport>;
}

describe.each([
  ['deno', ['run', '--sloppy-imports', '--allow-net=127.0.0.1', smoke]],
  ['bun', [smoke]],
])('the built package under %s', (runtime, args) => {
  it('accepts good tokens and refuses expired, misaddressed, forged and unknown-kid ones, on both paths', async () => {
    const { stdout } = await run(path.join(root, 'node_modules', '.bin', runtime), args, {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' },
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as SmokeReport;

    expect(report.runtime).toBe(runtime);
    for (const mode of ['auto', 'webcrypto'] as const) {
      expect(report.modes[mode]).toMatchObject({
        good: 'meter:art_free_1',
        gift: 'gift',
        expired: 'expired',
        wrongAudience: 'wrong_audience',
        forged: 'invalid_signature',
        unknownKid: 'unknown_key',
        // The first load, then one refetch for the unknown kid.
        jwksRequests: 2,
      });
    }
    expect(report.modes.webcrypto.nodeChecks).toBe(0);
    // `auto` checks the five signed tokens whose kid is known with node:crypto where it takes key objects.
    expect(report.modes.auto.nodeChecks).toBe(report.nodeCrypto.takesKeyObjects ? 5 : 0);
  });
});
