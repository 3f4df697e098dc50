/** @module Bundles a small module Worker of the bench (TypeScript, its npm imports inlined) with esbuild, for Miniflare's `script`. */
import { build } from 'esbuild';

/** The ES module `entry` bundles to, as one string (nothing external: these Workers import no `node:` module). */
export async function bundleModuleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new Error(`esbuild produced nothing for ${entry}`);
  return code;
}
