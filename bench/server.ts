/** @module Starts the Node door (`npm start`'s entry) as a child process on a temp file database, for benchmarks. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDevSecrets } from '../src/lib/dev-secrets';
import { freePort } from '../tools/free-port';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface BenchServer {
  url: string;
  adminKey: string;
  dbFile: string;
  /** CPU time the server process has used so far, in µs (Linux; null elsewhere). */
  cpuMicros(): number | null;
  stop(): Promise<void>;
}

/**
 * CPU time (user + system, every thread) of process `pid` so far, in µs, from /proc (null where there
 * is none). On a shared machine the CPU a server spends per request is a steadier figure than its
 * rate, which also depends on what else runs meanwhile.
 */
export function cpuMicrosOf(pid: number | undefined): number | null {
  const file = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(file)) return null;
  // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per s).
  const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

export async function startServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onepass-bench-'));
  const port = await freePort();
  const secrets = await generateDevSecrets();
  const dbFile = path.join(dir, 'bench.db');
  const url = `http://127.0.0.1:${port}`;
  const child = await startScript('src/doors/node.ts', [], `${url}/health`, {
    env: {
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'error',
      JOBS_INTERVAL_SECONDS: '0',
      PORT: String(port),
      DATABASE_URL: `file:${dbFile}`,
      ...secrets,
      ...env,
    },
  });
  return {
    url,
    adminKey: secrets.ADMIN_API_KEY,
    dbFile,
    cpuMicros: child.cpuMicros,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `url` until it answers at all (any status), for up to 20 s. */
export async function waitUntilUp(url: string, init: RequestInit = {}): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await fetch(url, init).then(
      () => true,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up within 20 s`);
}

/**
 * Starts `node --import tsx <script> ...args` from the repository root with only PATH and `env` in
 * its environment, and waits until `upUrl` answers (requested with `init`); stop() ends it.
 */
export async function startScript(
  script: string,
  args: string[],
  upUrl: string,
  options: { env?: Record<string, string>; init?: RequestInit } = {},
): Promise<{ cpuMicros(): number | null; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitUntilUp(upUrl, options.init);
  return {
    cpuMicros: () => cpuMicrosOf(child.pid),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export async function json(url: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
