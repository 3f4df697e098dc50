/**
 * @module Worker bundle size: `wrangler deploy --dry-run --outdir`, gzipped, against the 300 KB
 * budget, with what dominates it (from the bundle's source map). Fails (exit 1) above the budget.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { buildWorker } from './worker-build';

const BUDGET = 300 * 1024;
const build = buildWorker();
const code = readFileSync(build.script);
const gzipped = gzipSync(code, { level: 9 }).length;

// Attribute the bundle to packages by the size of each source the map embeds (an approximation:
// packages whose maps carry no sources content, like stripe's, count as zero).
const map = JSON.parse(readFileSync(build.map, 'utf8')) as {
  sources: string[];
  sourcesContent?: (string | null)[];
};
const bySource = new Map<string, number>();
map.sources.forEach((source, i) => {
  const size = map.sourcesContent?.[i]?.length ?? 0;
  const pkg = source.includes('node_modules/')
    ? (source
        .split('node_modules/')
        .pop()
        ?.split('/')
        .slice(0, source.split('node_modules/').pop()?.startsWith('@') ? 2 : 1)
        .join('/') ?? source)
    : 'onepass (src/)';
  // drizzle-orm's published source maps point at `../src/…`, which resolves to node_modules/src.
  const name = pkg === 'src' ? 'drizzle-orm' : pkg;
  bySource.set(name, (bySource.get(name) ?? 0) + size);
});
const totalSource = [...bySource.values()].reduce((a, b) => a + b, 0);
console.log(
  `\nWorker bundle: ${(code.length / 1024).toFixed(0)} KB minified, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB gzipped)`,
);
console.log('  What dominates it (share of the bundled source):');
for (const [pkg, size] of [...bySource.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  console.log(`    ${((size * 100) / totalSource).toFixed(1).padStart(5)}%  ${pkg}`);
}
build.remove();
// wrangler.toml aliases zod's `../locales/index.js` to English alone: the alias must hold (no other
// locale in the bundle, and the alias module in it).
const locales = map.sources.filter((s) => /zod\/v4\/locales\/(?!en\.js$)/.test(s));
const aliased = map.sources.filter((s) => s.endsWith('src/lib/zod-locales.ts'));
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
