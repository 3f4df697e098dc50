/**
 * @module `npx tsx scripts/docs-assets.ts`: writes the scripts the Worker serves as static files
 * into `dist/docs-assets/` (ignored by git), the directory that wrangler.toml's `[assets]` gives
 * the Worker through its `ASSETS` binding: the API reference viewer's 4.8 MB script from the
 * installed `@scalar/api-reference`, and the passkeys pages' script from its generated module. So
 * neither is in the Worker's bundle. `npm run dev`, the test configuration and `npm run
 * check:bundle` run it; run it before `wrangler deploy`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VIEWER_PATH } from '../src/features/docs/viewer';
import { installedViewerFile } from '../src/features/docs/viewer-file';
import { PASSKEYS_SCRIPT } from '../src/features/pages/client/passkeys-script';
import { PASSKEYS_SCRIPT_PATH } from '../src/features/pages/client/script-path';

/** wrangler.toml's `[assets] directory`, relative to the repository. */
export const DOCS_ASSETS_DIR = path.join('dist', 'docs-assets');

/** Writes `bytes` to `file` unless it already holds them (a running `wrangler dev` is then left alone). */
function writeIfChanged(file: string, bytes: Buffer): { file: string; written: boolean } {
  if (existsSync(file) && readFileSync(file).equals(bytes)) return { file, written: false };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return { file, written: true };
}

/**
 * Writes `<root>/dist/docs-assets/docs/viewer.js` from the installed package and
 * `<root>/dist/docs-assets/assets/passkeys.js` from the generated module, each only when it
 * changed. Returns the files and whether each was (re)written.
 */
export function writeDocsAssets(root: string): { file: string; written: boolean }[] {
  const at = (urlPath: string) => path.join(root, DOCS_ASSETS_DIR, ...urlPath.split('/'));
  return [
    writeIfChanged(at(VIEWER_PATH), readFileSync(installedViewerFile())),
    writeIfChanged(at(PASSKEYS_SCRIPT_PATH), Buffer.from(PASSKEYS_SCRIPT, 'utf8')),
  ];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  for (const { file, written } of writeDocsAssets(path.resolve(import.meta.dirname, '..'))) {
    console.log(`${path.relative(process.cwd(), file)}: ${written ? 'written' : 'up to date'}`);
  }
}
