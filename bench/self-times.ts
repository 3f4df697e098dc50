/**
 * @module Self time by function from the in-process V8 profiler (50 µs sampling), and the table of
 * two such profiles side by side, largest difference first: what profile-diff.ts and
 * profile-webhooks.ts print of the service against its stack floor.
 */
import { Session } from 'node:inspector/promises';

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const session = new Session();
let started = false;

/** µs of self time per unit of work by function (package or file, line) while `run` does `units` of it. */
export async function selfTimes(run: () => Promise<void>, units: number): Promise<Map<string, number>> {
  if (!started) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 50 });
    started = true;
  }
  await session.post('Profiler.start');
  await run();
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const where = frame.url.includes('node_modules/')
      ? `${frame.url.split('node_modules/').pop()?.split('/').slice(0, 2).join('/')}:${frame.url.split('/').pop()}`
      : frame.url.split('/').slice(-2).join('/');
    const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber}`;
    times.set(key, (times.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / units);
  });
  return times;
}

/** Adds `more` into `into`, function by function. */
export function addTimes(into: Map<string, number>, more: Map<string, number>): void {
  for (const [key, t] of more) into.set(key, (into.get(key) ?? 0) + t);
}

/** Prints both profiles' totals, then the `top` functions by how much more the service spends in them. */
export function printSelfTimeDiff(
  ours: Map<string, number>,
  floor: Map<string, number>,
  unit: string,
  top: number,
): void {
  const rows = [...new Set([...ours.keys(), ...floor.keys()])]
    .map((key) => ({ key, ours: ours.get(key) ?? 0, floor: floor.get(key) ?? 0 }))
    .sort((a, b) => b.ours - b.floor - (a.ours - a.floor));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  console.log(
    `profiled: service ${sum(ours).toFixed(1)} µs, stack floor ${sum(floor).toFixed(1)} µs per ${unit}`,
  );
  console.log(`   diff  service    floor  function (self time, µs per ${unit})`);
  for (const r of rows.slice(0, top)) {
    console.log(
      `${(r.ours - r.floor).toFixed(2).padStart(7)}  ${r.ours.toFixed(2).padStart(7)}  ${r.floor.toFixed(2).padStart(7)}  ${r.key}`,
    );
  }
}
