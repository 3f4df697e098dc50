/**
 * @module `npx tsx scripts/docs-assets.ts`: copies the API reference viewer's script from the
 * installed `@scalar/api-reference` into `dist/docs-assets/` (ignored by git), the directory that
 * wrangler.toml's `[assets]` gives the Worker through its `ASSETS` binding, so that the 4.8 MB
 * script is served by the service without being in the Worker's bundle. `npm run dev`, the test
 * configuration and `npm run check:bundle` run it; run it before `wrangler deploy`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { VIEWER_PATH } from '../src/features/docs/viewer';
import { installedViewerFile } from '../src/features/docs/viewer-file';

/** wrangler.toml's `[assets] directory`, relative to the repository. */
export const DOCS_ASSETS_DIR = path.join('dist', 'docs-assets');

/**
 * Writes `<root>/dist/docs-assets/docs/viewer.js` from the installed package, unless it already
 * holds the same bytes (a running `wrangler dev` is then left alone). Returns the file and whether
 * it was (re)written.
 */
export function writeDocsAssets(root: string): { file: string; written: boolean } {
  const source = installedViewerFile();
  const file = path.join(root, DOCS_ASSETS_DIR, ...VIEWER_PATH.split('/'));
  if (existsSync(file) && readFileSync(file).equals(readFileSync(source))) return { file, written: false };
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(source, file);
  return { file, written: true };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  const { file, written } = writeDocsAssets(path.resolve(import.meta.dirname, '..'));
  console.log(`${path.relative(process.cwd(), file)}: ${written ? 'written' : 'up to date'}`);
}
