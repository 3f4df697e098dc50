/** @module The real Node door (`src/doors/node.ts`, as `npm start` runs it) as a child process on a seeded database file. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { generateDevSecrets } from '../../src/lib/dev-secrets';
import { freePort } from '../../tools/free-port';
import { cpuMicrosOf, waitUntilUp } from '../server';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ScaleDoor {
  url: string;
  adminKey: string;
  pid: number | undefined;
  cpuMicros(): number | null;
  stop(): Promise<void>;
}

/** Starts the door on `dbFile` with the per-IP and per-publisher limits raised out of the bench's way. */
export async function startDoor(dbFile: string, env: Record<string, string>): Promise<ScaleDoor> {
  const port = await freePort();
  const secrets = await generateDevSecrets();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/doors/node.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'error',
      JOBS_INTERVAL_SECONDS: '0',
      PORT: String(port),
      DATABASE_URL: `file:${dbFile}`,
      // Still counted (the same writes as in production), but never reached by the bench's calls.
      LIMIT_SIGNIN_IP: '1000000/15m',
      LIMIT_PUBLISHER_CALLS: '1000000/1m',
      ...secrets,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitUntilUp(`${url}/health`);
  return {
    url,
    adminKey: secrets.ADMIN_API_KEY,
    pid: child.pid,
    cpuMicros: () => cpuMicrosOf(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
