/**
 * @module CPU profile of a Worker inside workerd under HTTP load, through workerd's inspector (the
 * V8 profiler over the DevTools protocol): the service or the bare floor, issuance or health.
 *   npx tsx bench/workerd/profile.ts [service|floor] [issuance|health]
 * writes bench/results/workerd-<worker>-<route>.cpuprofile (summary: bench/profile-summary.ts <file>),
 * the minified bundle's frames mapped back to their sources through its source map.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { freePort } from '../../tools/free-port';
import { runAutocannon } from '../lib';
import { ROOT } from '../worker-build';
import { routes } from './load';
import { setUpWorkers } from './setup';

const worker = process.argv[2] ?? 'service';
const routeName = process.argv[3] ?? 'issuance';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** Maps the bundle's frames (`worker.js`) to the source file, line and enclosing name its map gives. */
function mapFrames(profile: { nodes: { callFrame: Frame }[] }, mapFile: string): void {
  const map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
  for (const { callFrame } of profile.nodes) {
    if (!callFrame.url.endsWith('worker.js')) continue;
    const entry = map.findEntry(callFrame.lineNumber, callFrame.columnNumber);
    if (!('originalSource' in entry)) continue;
    const source = entry.originalSource.replace(/^.*?(node_modules\/|src\/)/, '$1');
    callFrame.url = source;
    callFrame.lineNumber = entry.originalLine;
    callFrame.functionName = `${callFrame.functionName} (${source.split('/').pop()}:${entry.originalLine + 1})`;
  }
}

/** A minimal DevTools protocol client over one WebSocket. */
async function devtools(url: string) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', reject, { once: true });
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  return {
    send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
      const messageId = ++id;
      ws.send(JSON.stringify({ id: messageId, method, params }));
      return new Promise((resolve) => pending.set(messageId, resolve));
    },
    close: () => ws.close(),
  };
}

const bench = await setUpWorkers({ inspectorPort: await freePort() });
try {
  const base = bench.workerd.urls[worker];
  const route = routes(bench.session, bench.publisher, 16, SECONDS).find((r) => r.name === routeName);
  if (!base || !route) throw new Error('usage: profile.ts [service|floor] [issuance|health]');
  await runAutocannon({ ...route.options(base), duration: 2 }); // warm-up
  const inspector = await bench.workerd.mf.getInspectorURL();
  const client = await devtools(`${inspector.href.replace(/\/$/, '')}/core:user:${worker}`);
  await client.send('Profiler.enable');
  await client.send('Profiler.setSamplingInterval', { interval: 100 });
  await client.send('Profiler.start');
  const result = await runAutocannon(route.options(base));
  const { profile } = (await client.send('Profiler.stop')) as { profile: { nodes: { callFrame: Frame }[] } };
  client.close();
  mapFrames(profile, bench.build.map);
  const out = path.join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `workerd-${worker}-${routeName}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(
    `${worker} ${routeName}: ${Math.round(result.requests.average)} req/s under the profiler; ${file}`,
  );
} finally {
  await bench.cleanUp();
}
