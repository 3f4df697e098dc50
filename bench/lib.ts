/** @module Tiny benchmark harness: interleaved rounds, median ops/s, ratios against a baseline from the same run. */
import autocannon from 'autocannon';

export interface Candidate {
  name: string;
  /** One operation; `i` cycles through the prepared inputs. */
  run: (i: number) => unknown | Promise<unknown>;
}

export interface Result {
  name: string;
  /** The median over the rounds. */
  opsPerSecond: number;
  /** Every round's figure, in order (round i of every candidate ran back to back). */
  rounds: number[];
}

async function measure(candidate: Candidate, ms: number): Promise<number> {
  let ops = 0;
  const start = performance.now();
  const deadline = start + ms;
  // Batches of 64 keep the clock reads out of the measured work.
  while (performance.now() < deadline) {
    for (let j = 0; j < 64; j++) {
      const r = candidate.run(ops++);
      if (r instanceof Promise) await r;
    }
  }
  return (ops * 1000) / (performance.now() - start);
}

/**
 * The order of round `round`: `items` rotated by it, so that over the rounds each goes first in
 * turn and none always runs right after the same other (for two, every other round reversed).
 */
export function inTurn<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Runs every candidate `rounds` times, interleaved (in turn, see `inTurn`) so that machine noise hits all of them alike. */
export async function compare(
  candidates: Candidate[],
  options: { rounds?: number; ms?: number } = {},
): Promise<Result[]> {
  const rounds = options.rounds ?? 5;
  const ms = options.ms ?? 400;
  for (const c of candidates) await measure(c, 100); // warm-up (JIT, caches)
  const samples = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    // No candidate always runs first, right after the previous round's last with its garbage.
    for (const c of inTurn(candidates, r)) samples.get(c.name)?.push(await measure(c, ms));
  }
  return candidates.map((c) => {
    const rounds = samples.get(c.name) ?? [];
    return { name: c.name, opsPerSecond: medianOf(rounds), rounds };
  });
}

/**
 * Two candidates head to head: `rounds` rounds of `pairs` pairs of short slices, in ABBA order (a
 * then b, b then a), so that both meet the same state of the machine; each round's figure is a's
 * operations over b's across its slices. Returns the rounds' ratios.
 */
export async function headToHead(
  a: Candidate,
  b: Candidate,
  options: { rounds?: number; pairs?: number; ms?: number } = {},
): Promise<number[]> {
  const { rounds = 5, pairs = 10, ms = 100 } = options;
  await measure(a, 100);
  await measure(b, 100);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let opsA = 0;
    let opsB = 0;
    for (let p = 0; p < pairs; p++) {
      if (p % 2 === 0) {
        opsA += await measure(a, ms);
        opsB += await measure(b, ms);
      } else {
        opsB += await measure(b, ms);
        opsA += await measure(a, ms);
      }
    }
    ratios.push(opsA / opsB);
  }
  return ratios;
}

export function printRatios(title: string, results: Result[], baseline: string): Map<string, number> {
  const base = results.find((r) => r.name === baseline);
  if (!base) throw new Error(`no baseline ${baseline}`);
  const ratios = new Map<string, number>();
  console.log(`\n${title}  (baseline: ${baseline}, measured in this run)`);
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    const ratio = r.opsPerSecond / base.opsPerSecond;
    ratios.set(r.name, ratio);
    console.log(
      `  ${r.name.padEnd(width)}  ${Math.round(r.opsPerSecond).toLocaleString('en-US').padStart(12)} ops/s  ${ratio.toFixed(2).padStart(7)}×`,
    );
  }
  return ratios;
}

/**
 * Prints one target: `value` (a ratio against a baseline measured in the same run, e.g. the bare
 * floor's rate) against its minimum, met or not met. Returns whether it is met.
 */
export function target(label: string, value: number, min: number, detail = ''): boolean {
  const ok = value >= min;
  console.log(
    `  target ${label}: ${value.toFixed(2)}× ${ok ? '≥' : '<'} ${min}×  ${ok ? 'met' : 'NOT met'}${detail ? `  (${detail})` : ''}`,
  );
  return ok;
}

/** One autocannon run (HTTP load), as a promise. */
export function runAutocannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}
