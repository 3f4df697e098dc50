/** @module `npm run bench`: every benchmark in turn, each printing ratios against a baseline from the same run. */
const benches = [
  './verify.bench.ts',
  './issuance.bench.ts',
  './webhooks.bench.ts',
  './bundle.bench.ts',
  './workerd.bench.ts',
  './ledger.bench.ts',
  './ledger-seal.bench.ts',
];
const only = process.argv.slice(2);
for (const bench of benches) {
  if (only.length > 0 && !only.some((name) => bench.includes(name))) continue;
  console.log(`\n=== ${bench.replace('./', '').replace('.bench.ts', '')} ===`);
  await import(bench);
}

export {};
