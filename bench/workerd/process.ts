/** @module The workerd processes Miniflare starts: found as children of this process, for their CPU time from /proc. */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of this process's direct children whose command is `workerd` (Linux; empty elsewhere). */
export function workerdChildren(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // The parent pid is the second field after the command name.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (command === 'workerd' && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Runs `start` and returns its result with the one workerd child it started (undefined if none is seen). */
export async function withNewWorkerd<T>(
  start: () => Promise<T>,
): Promise<{ value: T; pid: number | undefined }> {
  const before = new Set(workerdChildren());
  const value = await start();
  const pid = workerdChildren().find((p) => !before.has(p));
  return { value, pid };
}
