/** @module Starts the Node door (`npm start`'s entry) as a child process on a temp file database, for benchmarks. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDevSecrets } from '../src/lib/dev-secrets';
import { freePort } from '../tools/free-port';

const ROOT = path.resolve(import.meta.dirname, '..');

/** A door on a temp database of its own, removed at stop(). */
export interface BenchServer extends BenchDoor {
  dbFile: string;
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

export interface BenchDoor {
  url: string;
  adminKey: string;
  pid: number | undefined;
  /** CPU time the server process has used so far, in µs (Linux; null elsewhere). */
  cpuMicros(): number | null;
  stop(): Promise<void>;
}

/**
 * Starts the Node door (`npm start`'s entry) on `dbFile` with fresh dev secrets, logging only
 * errors and no scheduled jobs; `env` adds to or overrides that, `nodeArgs` go to node itself
 * (e.g. `--cpu-prof`).
 */
export async function startDoor(
  dbFile: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<BenchDoor> {
  const port = await freePort();
  const secrets = await generateDevSecrets();
  const url = `http://127.0.0.1:${port}`;
  const child = await startScript('src/doors/node.ts', [], `${url}/health`, {
    nodeArgs,
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
  return { url, adminKey: secrets.ADMIN_API_KEY, ...child };
}

export async function startServer(
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<BenchServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onepass-bench-'));
  const dbFile = path.join(dir, 'bench.db');
  const door = await startDoor(dbFile, env, nodeArgs);
  return {
    ...door,
    dbFile,
    async stop() {
      await door.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A publisher and a signed-up reader on a fresh service: what an issuance bench asks tokens for. */
export async function seedPublisherAndReader(
  url: string,
  adminKey: string,
): Promise<{ publisherId: string; sessionToken: string }> {
  const publisher = await json(`${url}/v1/admin/publishers`, {
    method: 'POST',
    token: adminKey,
    body: { name: 'Bench Daily', origins: ['https://bench.example'] },
  });
  const reader = await json(`${url}/v1/readers`, {
    method: 'POST',
    body: { email: 'bench@example.com', password: 'bench password' },
  });
  return { publisherId: publisher.publisher.id, sessionToken: reader.session_token };
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
 * Starts `node ...nodeArgs --import tsx <script> ...args` from the repository root with only PATH
 * and `env` in its environment, and waits until `upUrl` answers (requested with `init`); stop()
 * ends it (and waits for it to exit, so that a `--cpu-prof` profile is written).
 */
export async function startScript(
  script: string,
  args: string[],
  upUrl: string,
  options: { env?: Record<string, string>; init?: RequestInit; nodeArgs?: string[] } = {},
): Promise<{ pid: number | undefined; cpuMicros(): number | null; stop(): Promise<void> }> {
  const argv = [...(options.nodeArgs ?? []), '--import', 'tsx', script, ...args];
  const child: ChildProcess = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitUntilUp(upUrl, options.init);
  return {
    pid: child.pid,
    cpuMicros: () => cpuMicrosOf(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
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
