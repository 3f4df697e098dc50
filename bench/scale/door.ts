/** @module The real Node door (`src/doors/node.ts`, as `npm start` runs it) as a child process on a seeded database file. */
import { type BenchDoor, startDoor as startBenchDoor } from '../server';

export type ScaleDoor = BenchDoor;

/** Starts the door on `dbFile` with the per-IP and per-publisher limits raised out of the bench's way. */
export function startDoor(dbFile: string, env: Record<string, string>): Promise<ScaleDoor> {
  return startBenchDoor(dbFile, {
    // Still counted (the same writes as in production), but never reached by the bench's calls.
    LIMIT_SIGNIN_IP: '1000000/15m',
    LIMIT_PUBLISHER_CALLS: '1000000/1m',
    ...env,
  });
}
