/**
 * @module HTTP load on Workers in workerd: health and issuance with autocannon, in interleaved rounds
 * across the Workers measured (so the machine's noise hits them alike), with the workerd process's
 * CPU time per request over each run.
 */
import type autocannon from 'autocannon';
import { inTurn, runAutocannon } from '../lib';
import { cpuMicrosOf } from '../server';

export interface Route {
  name: 'health' | 'issuance';
  options: (base: string) => autocannon.Options;
}

export interface RouteFigures {
  rps: number;
  p99: number;
  /** workerd CPU µs per request served (null where /proc is not there). */
  cpu: number | null;
  errors: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** The headers and body of an issuance as the seeded reader. */
export function issuanceRequest(session: string, publisher: string) {
  return {
    headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
    body: JSON.stringify({ publisher }),
  };
}

/** The two routes of the bench: `GET /health` and `POST /v1/me/entitlement-token` as the seeded reader. */
export function routes(session: string, publisher: string, connections: number, duration: number): Route[] {
  return [
    { name: 'health', options: (base) => ({ url: `${base}/health`, connections, duration }) },
    {
      name: 'issuance',
      options: (base) => ({
        url: `${base}/v1/me/entitlement-token`,
        method: 'POST',
        connections,
        duration,
        ...issuanceRequest(session, publisher),
      }),
    },
  ];
}

/**
 * Runs every route against every Worker `rounds` times (round i of each back to back) after a
 * 1 s warm-up of each, all Workers in the one workerd process `pid`, and returns the means.
 */
export async function loadRounds(
  workers: Record<string, string>,
  pid: number | undefined,
  list: Route[],
  rounds: number,
): Promise<Record<string, Record<Route['name'], RouteFigures>>> {
  const samples = new Map<string, { rps: number[]; p99: number[]; cpu: number[]; errors: number }>();
  const key = (worker: string, route: string) => `${worker} ${route}`;
  for (const route of list)
    for (const base of Object.values(workers)) await runAutocannon({ ...route.options(base), duration: 1 });
  const entries = Object.entries(workers);
  for (let r = 0; r < rounds; r++) {
    for (const route of list) {
      // Neither Worker always runs first.
      for (const [worker, base] of inTurn(entries, r)) {
        const before = cpuMicrosOf(pid);
        const result = await runAutocannon(route.options(base));
        const after = cpuMicrosOf(pid);
        const s = samples.get(key(worker, route.name)) ?? { rps: [], p99: [], cpu: [], errors: 0 };
        s.rps.push(result.requests.average);
        s.p99.push(result.latency.p99);
        if (before !== null && after !== null)
          s.cpu.push((after - before) / Math.max(1, result.requests.total));
        s.errors += result.errors + result.non2xx;
        samples.set(key(worker, route.name), s);
      }
    }
  }
  const out: Record<string, Record<string, RouteFigures>> = {};
  for (const worker of Object.keys(workers)) {
    out[worker] = {};
    for (const route of list) {
      const s = samples.get(key(worker, route.name));
      if (!s) continue;
      out[worker][route.name] = {
        rps: mean(s.rps),
        p99: mean(s.p99),
        cpu: s.cpu.length > 0 ? mean(s.cpu) : null,
        errors: s.errors,
      };
    }
  }
  return out as Record<string, Record<Route['name'], RouteFigures>>;
}
