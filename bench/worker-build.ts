/** @module The Worker exactly as deployed: `wrangler deploy --dry-run --outdir` into a temp folder, for the benches that need the bundle. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeDocsAssets } from '../scripts/docs-assets';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface WorkerBuild {
  /** The folder holding `worker.js` and `worker.js.map`. */
  dir: string;
  /** `worker.js`, the bundle wrangler would upload. */
  script: string;
  /** `worker.js.map`. */
  map: string;
  remove(): void;
}

/** Builds the Worker as `wrangler deploy` would, without deploying it; throws with wrangler's output on failure. */
export function buildWorker(): WorkerBuild {
  const dir = mkdtempSync(path.join(tmpdir(), 'onepass-bundle-'));
  // wrangler.toml's [assets] directory must exist; the viewer it holds is not part of the bundle.
  writeDocsAssets(ROOT);
  const wrangler = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  const build = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', dir], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    encoding: 'utf8',
  });
  if (build.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`wrangler deploy --dry-run failed:\n${build.stdout}\n${build.stderr}`);
  }
  return {
    dir,
    script: path.join(dir, 'worker.js'),
    map: path.join(dir, 'worker.js.map'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
