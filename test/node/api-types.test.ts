/**
 * @module The admin client's generated types are the app's: `npm run gen:api` into a temp folder
 * writes exactly the committed scripts/api/schema.d.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../scripts/api/types';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'onepass-gen-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/api/schema.d.ts', () => {
  it('is what npm run gen:api generates from the routes now', () => {
    const fresh = path.join(dir, 'schema.d.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-api.ts', fresh], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const stale = readFileSync(SCHEMA_FILE, 'utf8') !== readFileSync(fresh, 'utf8');
    expect(stale, 'scripts/api/schema.d.ts is stale: run `npm run gen:api` and commit it').toBe(false);
  });
});
