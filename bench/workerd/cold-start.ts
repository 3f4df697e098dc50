/**
 * @module Cold starts in workerd: a fresh workerd with one Worker, N times, timing until it listens
 * (process start, the script compiled and its top level run) and then its first answer (the first
 * request also builds what the Worker builds lazily), against the median of the warm requests after it.
 */
import { startWorkerd, type WorkerSpec } from './instance';

export interface ColdStart {
  /** Medians over the starts, in ms. */
  ready: number;
  firstResponse: number;
  /** Ready plus first response. */
  total: number;
  warm: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** One request against a fresh Worker: its path and init. */
export type FirstRequest = (base: string) => [string, RequestInit];

/** Starts each Worker `times` times, interleaved, each time answering `request` once cold and 20 times warm. */
export async function coldStarts(
  specs: WorkerSpec[],
  persistDir: string,
  request: FirstRequest,
  times: number,
): Promise<Record<string, ColdStart>> {
  const samples = new Map<string, { ready: number[]; first: number[]; warm: number[] }>();
  for (let i = 0; i < times; i++) {
    for (const spec of specs) {
      const workerd = await startWorkerd([spec], persistDir);
      const base = workerd.urls[spec.name] ?? '';
      const timed = async () => {
        const started = performance.now();
        const res = await fetch(...request(base));
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${spec.name}: first request answered ${res.status}`);
        return performance.now() - started;
      };
      const first = await timed();
      const warm: number[] = [];
      for (let j = 0; j < 20; j++) warm.push(await timed());
      await workerd.dispose();
      const s = samples.get(spec.name) ?? { ready: [], first: [], warm: [] };
      s.ready.push(workerd.readyMs);
      s.first.push(first);
      s.warm.push(median(warm));
      samples.set(spec.name, s);
    }
  }
  return Object.fromEntries(
    [...samples].map(([name, s]) => [
      name,
      {
        ready: median(s.ready),
        firstResponse: median(s.first),
        total: median(s.ready.map((r, i) => r + (s.first[i] ?? 0))),
        warm: median(s.warm),
      },
    ]),
  );
}
