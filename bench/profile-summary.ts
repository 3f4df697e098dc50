/** @module Summarises a .cpuprofile: self time by function and by package, top entries. */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
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
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `  ${((v * 100) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(
  `samples: ${total}\nby package:\n${top(byPackage, 15)}\nby function (self):\n${top(byFunction, 25)}`,
);
