/**
 * @module Worker bundle size: `wrangler deploy --dry-run --outdir`, gzipped, against the 300 KB
 * budget, with what dominates it (from the bundle's source map). Fails (exit 1) above the budget.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { SourceMapConsumer } from 'source-map-js';
import { buildWorker } from './worker-build';

const BUDGET = 300 * 1024;
const build = buildWorker();
const code = readFileSync(build.script);
const gzipped = gzipSync(code, { level: 9 }).length;

// Attribute the bundle's bytes to packages through its source map: each mapped stretch of the
// minified code counts for the source it came from, up to the next mapping on its line.
const rawMap = JSON.parse(readFileSync(build.map, 'utf8')) as { sources: string[] };
const map = new SourceMapConsumer(rawMap as never);
const packageOf = (source: string) => {
  if (!source.includes('node_modules/')) return 'onepass (src/)';
  const inside = source.split('node_modules/').pop() ?? source;
  const pkg = inside
    .split('/')
    .slice(0, inside.startsWith('@') ? 2 : 1)
    .join('/');
  // drizzle-orm's published source maps point at `../src/…`, which resolves to node_modules/src.
  return pkg === 'src' ? 'drizzle-orm' : pkg;
};
const bySource = new Map<string, number>();
let last: { line: number; column: number; source: string } | undefined;
map.eachMapping((m) => {
  if (last && last.line === m.generatedLine) {
    bySource.set(last.source, (bySource.get(last.source) ?? 0) + m.generatedColumn - last.column);
  }
  last = { line: m.generatedLine, column: m.generatedColumn, source: packageOf(m.source ?? '') };
});
const totalSource = [...bySource.values()].reduce((a, b) => a + b, 0);
console.log(
  `\nWorker bundle: ${(code.length / 1024).toFixed(0)} KB minified, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB gzipped)`,
);
console.log('  What dominates it (share of the minified bytes, by the source map):');
for (const [pkg, size] of [...bySource.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  console.log(`    ${((size * 100) / totalSource).toFixed(1).padStart(5)}%  ${pkg}`);
}
build.remove();
// wrangler.toml aliases zod's `../locales/index.js` to English alone: the alias must hold (no other
// locale in the bundle, and the alias module in it).
const locales = rawMap.sources.filter((s) => /zod\/v4\/locales\/(?!en\.js$)/.test(s));
const aliased = rawMap.sources.filter((s) => s.endsWith('src/lib/zod-locales.ts'));
if (locales.length > 0 || aliased.length !== 1) {
  console.error(
    `  the zod locale alias did not hold: ${locales.length} other locales, ${aliased.length} alias targets`,
  );
  process.exitCode = 1;
}
const ok = gzipped <= BUDGET;
console.log(
  `  target bundle ≤ 300 KB gzipped: ${ok ? 'met' : 'NOT met'} (ratio to budget ${(gzipped / BUDGET).toFixed(2)}×)`,
);
if (!ok) process.exitCode = 1;
