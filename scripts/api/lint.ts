/**
 * @module Redocly's linter on an OpenAPI document, with the repo's `redocly.yaml` and
 * `.redocly.lint-ignore.yaml`, offline: telemetry and the update check are turned off.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFIG_FILES = ['redocly.yaml', '.redocly.lint-ignore.yaml'];
const CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')),
  'bin/cli.js',
);

export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

/** What `redocly lint --format=json` prints. */
export interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

/**
 * Runs `redocly lint <args> openapi.json` on `document`. The document is written as `openapi.json`
 * into a fresh folder beside copies of the repo's config and ignore file: the ignore file names the
 * document it excuses by its path from the config, so the two must sit together.
 */
export function redoclyLint(
  document: unknown,
  args: string[] = [],
  stdio: 'pipe' | 'inherit' = 'pipe',
): SpawnSyncReturns<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onepass-openapi-'));
  try {
    for (const file of CONFIG_FILES) copyFileSync(path.join(ROOT, file), path.join(dir, file));
    writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(document, null, 2));
    return spawnSync(process.execPath, [CLI, 'lint', ...args, 'openapi.json'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', stdio, stdio],
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The linter's findings on `document`, as data. */
export function lintReport(document: unknown): LintReport {
  const run = redoclyLint(document, ['--format=json']);
  if (run.error) throw run.error;
  try {
    return JSON.parse(run.stdout) as LintReport;
  } catch {
    throw new Error(`redocly lint printed no report (exit ${run.status}): ${run.stderr}`);
  }
}
