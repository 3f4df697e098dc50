/**
 * @module Summarises a .cpuprofile: self time by function and by package, top entries. An optional
 * second argument keeps only the last that many seconds of samples (the measured load, not start-up).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const lastSeconds = Number(process.argv[3] ?? 0);
if (lastSeconds > 0) {
  // Recount hits from the samples of the window (the nodes' hitCount covers the whole profile).
  let t = 0;
  const times = profile.timeDeltas.map((d) => (t += d));
  const from = t - lastSeconds * 1e6;
  const hits = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if ((times[i] ?? 0) >= from) hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  for (const node of profile.nodes) node.hitCount = hits.get(node.id) ?? 0;
  profile.samples = profile.samples.filter((_, i) => (times[i] ?? 0) >= from);
}
const total = profile.samples.length;
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (hits === 0) continue;
  const url = node.callFrame.url;
  const pkg = url.includes('node_modules/')
    ? (url
        .split('node_modules/')
        .pop()
        ?.split('/')
        .slice(0, url.includes('node_modules/@') ? 2 : 1)
        .join('/') ?? url)
    : url.includes('/src/')
      ? `src/${url.split('/src/').pop()?.split('/')[0]}`
      : url.startsWith('node:')
        ? url
        : url || '(native/gc)';
  const fn = `${node.callFrame.functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
}
// Inclusive ("total") time: each node's hits plus its descendants', counted once per function on a path.
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parents = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
const nameOf = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
const inclusive = new Map<string, number>();
for (const n of profile.nodes) {
  const hits = n.hitCount ?? 0;
  if (hits === 0) continue;
  const seen = new Set<string>();
  for (let id: number | undefined = n.id; id !== undefined; id = parents.get(id)) {
    const at = nodes.get(id);
    if (!at) break;
    const name = nameOf(at);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + hits);
  }
}
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `  ${((v * 100) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(
  `samples: ${total}\nby package:\n${top(byPackage, 15)}\nby function (self):\n${top(byFunction, 25)}\nby function (total):\n${top(inclusive, Number(process.env.TOTAL_TOP ?? 40))}`,
);
