/**
 * @module A real remote libSQL server for tests: the libSQL TypeScript client's own Hrana 2 test
 * server (tools/hrana-test-server, Python over the system SQLite; Debian's python3-aiohttp and
 * python3-protobuf, which `.ci/run` installs). `@libsql/client` talks to it over HTTP exactly as to
 * Turso or sqld: every request a fresh connection, so no connection-level PRAGMA carries over.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../tools/free-port';

const SERVER_DIR = path.resolve(import.meta.dirname, '../../tools/hrana-test-server');

export interface HranaServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the server on a free port with a database file of its own; throws, saying what is missing, when it cannot. */
export async function startHranaServer(): Promise<HranaServer> {
  // Debian's python3 is where apt puts the modules; another python3 first on PATH may lack them.
  const python = ['python3', '/usr/bin/python3'].find(
    (candidate) => spawnSync(candidate, ['-c', 'import aiohttp, google.protobuf']).status === 0,
  );
  if (!python) {
    throw new Error(
      'The Hrana test server needs python3 with aiohttp and protobuf: apt-get install -y python3-aiohttp python3-protobuf',
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'onepass-hrana-'));
  const port = await freePort();
  const child: ChildProcess = spawn(python, ['server_v2.py'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      PERSISTENT_DB: path.join(dir, 'remote.db'),
      ENCODING: 'json',
      PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION: 'python',
      LOG_LEVEL: 'WARNING',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Hrana test server exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/v2`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`the Hrana test server did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
