/**
 * @module Workers in workerd through Miniflare's API (no `wrangler dev`, no proxy): each Worker gets
 * a direct socket of its own on loopback, so a request goes from the socket straight into the
 * Worker; every Worker binds the same D1 database as `DB`, persisted under one folder.
 */
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from 'miniflare';
import { withNewWorkerd } from './process';

/** The compatibility settings of wrangler.toml (kept equal by bench/workerd/config.ts). */
export interface Compatibility {
  compatibilityDate: string;
  compatibilityFlags: string[];
}

export interface WorkerSpec {
  name: string;
  /** An ES module: a file (the deployed bundle) or code (the bench's own small Workers). */
  source: { scriptPath: string } | { script: string };
  compatibility: Compatibility;
  bindings: Record<string, unknown>;
  /** Bind the shared D1 database as `DB`. */
  d1?: boolean;
}

export interface Workerd {
  mf: Miniflare;
  /** The direct URL of each Worker, by name. */
  urls: Record<string, string>;
  /** The workerd process (Linux), for its CPU time. */
  pid: number | undefined;
  /** From `new Miniflare` until every socket listens (workerd started, every script compiled and run). */
  readyMs: number;
  dispose(): Promise<void>;
}

export const D1_ID = 'onepass-bench';

/** Starts one workerd with `workers` and waits until every socket listens (`inspectorPort`: for profiling). */
export async function startWorkerd(
  workers: WorkerSpec[],
  persistDir: string,
  options: { inspectorPort?: number } = {},
): Promise<Workerd> {
  let readyMs = 0;
  const { value: mf, pid } = await withNewWorkerd(async () => {
    const started = performance.now();
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        log: new Log(LogLevel.WARN),
        cf: false,
        ...options,
        resourcePersistencePath: persistDir,
        workers: workers.map((w) => ({
          name: w.name,
          modules: true,
          ...('scriptPath' in w.source
            ? {
                scriptPath: w.source.scriptPath,
                // Module names are paths under modulesRoot; the bundle lives in a temp folder.
                modulesRoot: w.source.scriptPath.replace(/\/[^/]*$/, ''),
              }
            : { script: w.source.script }),
          ...w.compatibility,
          bindings: w.bindings as Record<string, never>,
          ...(w.d1 ? { d1Databases: { DB: D1_ID } } : {}),
          unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
        })),
      }),
    );
    await mf.ready;
    readyMs = performance.now() - started;
    return mf;
  });
  const urls: Record<string, string> = {};
  for (const w of workers) urls[w.name] = (await mf.unsafeGetDirectURL(w.name)).href.replace(/\/$/, '');
  return { mf, urls, pid, readyMs, dispose: () => mf.dispose() };
}
