/**
 * @module `npm run bench`: every benchmark in turn, each in a process of its own, each printing
 * ratios against a baseline from the same run; then every target line again, in one summary.
 *
 * A bench of its own process starts as it does alone (`npx tsx bench/x.bench.ts`): no heap, no
 * sockets, no timers left by the benches before it, so a figure does not depend on its place in
 * the run.
 *
 *   npm run bench                     every bench
 *   npm run bench -- verify workerd   the benches whose file names contain one of the words
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const benches = [
  'verify.bench.ts',
  'issuance.bench.ts',
  'webhooks.bench.ts',
  'bundle.bench.ts',
  'workerd.bench.ts',
  'ledger.bench.ts',
  'ledger-seal.bench.ts',
];
const only = process.argv.slice(2);
const chosen = benches.filter((bench) => only.length === 0 || only.some((word) => bench.includes(word)));
if (chosen.length === 0) {
  console.error(`No bench matches ${only.join(', ')}; the benches: ${benches.join(', ')}`);
  process.exit(2);
}

/** Runs one bench with node and tsx as `npm run bench` itself runs, echoing its output; its target lines and exit code. */
function runBench(file: string): Promise<{ targets: string[]; code: number | null }> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, file)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const targets: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    console.log(line);
    if (/^\s*target /.test(line)) targets.push(line.trim());
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ targets, code }));
  });
}

const summary: string[] = [];
const failed: string[] = [];
for (const bench of chosen) {
  const name = bench.replace('.bench.ts', '');
  console.log(`\n=== ${name} ===`);
  const { targets, code } = await runBench(bench);
  if (code !== 0) failed.push(`${name} (exit ${code})`);
  for (const line of targets) summary.push(`  ${name.padEnd(12)} ${line.replace(/^target /, '')}`);
}

console.log('\n=== targets of this run ===');
for (const line of summary) console.log(line);
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
