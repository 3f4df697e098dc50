/** @module Latency of sequential HTTP calls (median and p99 over N), and the child process's memory from /proc. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface Latency {
  calls: number;
  median: number;
  p99: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/**
 * Runs `call(i)` `calls` times one after the other (after `warmup` unmeasured calls), each in ms.
 * One at a time on purpose: the figure is what one request costs at this size of data, not a rate.
 */
export async function latency(
  calls: number,
  call: (i: number) => Promise<void>,
  warmup = 2,
): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await call(calls + i);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await call(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { calls, median: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

/** Fetches and insists on the status; returns the parsed JSON body (or the text, for non-JSON answers). */
export async function expect(status: number, url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status !== status)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
}

/** VmRSS and VmHWM (peak RSS) of a process in MB, from /proc (null where there is none). */
export function memoryOf(pid: number | undefined): { rss: number; peak: number } | null {
  const file = `/proc/${pid}/status`;
  if (pid === undefined || !existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Resets the process's peak RSS (VmHWM) to its current RSS (Linux: `5` into clear_refs); false if refused. */
export function resetPeak(pid: number | undefined): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
