/** @module How the workerd bench prints: the service beside its floor, in the style of bench/issuance.bench.ts. */
import { target } from '../lib';
import type { ColdStart } from './cold-start';
import type { RouteFigures } from './load';

/** The Workers free plan's CPU time per request. */
export const FREE_PLAN_CPU_MICROS = 10_000;

const rps = (n: number) => Math.round(n).toLocaleString('en-US').padStart(8);
const µs = (n: number | null) =>
  n === null ? '       ?' : Math.round(n).toLocaleString('en-US').padStart(8);

export function printLoad(
  service: Record<'health' | 'issuance', RouteFigures>,
  floor: Record<'health' | 'issuance', RouteFigures>,
  header: string,
): void {
  console.log(`\n${header}`);
  console.log(
    '                                     service                    floor (bare module Worker) service/floor',
  );
  const line = (label: string, s: RouteFigures, f: RouteFigures) =>
    console.log(
      `  ${label.padEnd(33)}${rps(s.rps)} req/s  p99 ${s.p99.toFixed(1).padStart(5)} ms  ${rps(f.rps)} req/s  p99 ${f.p99.toFixed(1).padStart(5)} ms   ${(s.rps / f.rps).toFixed(2)}×`,
    );
  line('POST /v1/me/entitlement-token', service.issuance, floor.issuance);
  line('GET /health', service.health, floor.health);
  const cpu = (label: string, s: RouteFigures, f: RouteFigures) =>
    console.log(
      `  ${label.padEnd(33)}${µs(s.cpu)} µs CPU/req           ${µs(f.cpu)} µs CPU/req            ${s.cpu && f.cpu ? `${(f.cpu / s.cpu).toFixed(2)}×` : ''}`,
    );
  cpu('  workerd CPU per issuance', service.issuance, floor.issuance);
  cpu('  workerd CPU per health', service.health, floor.health);
  const errors = [service, floor].reduce((n, w) => n + w.health.errors + w.issuance.errors, 0);
  console.log(`  errors or non-2xx answers: ${errors}`);
  console.log(
    '  (the floor does only the mandated work: token hash, the same indexed D1 read, one ES256 signature, one JSON answer)',
  );
  console.log(
    "  (CPU: the whole workerd process over each run divided by the requests served, so it includes workerd's HTTP handling and the local D1, which runs inside workerd: an upper bound of what Cloudflare bills)",
  );
  target(
    'issuance / floor in workerd',
    service.issuance.rps / floor.issuance.rps,
    0.8,
    `${rps(service.issuance.rps).trim()} vs ${rps(floor.issuance.rps).trim()} req/s; p99 ${service.issuance.p99.toFixed(1)} ms vs ${floor.issuance.p99.toFixed(1)} ms`,
  );
  for (const route of ['issuance', 'health'] as const) {
    const used = service[route].cpu;
    if (used === null) continue;
    const ok = used <= FREE_PLAN_CPU_MICROS;
    console.log(
      `  target service CPU per ${route} ≤ ${FREE_PLAN_CPU_MICROS.toLocaleString('en-US')} µs (free plan): ${µs(used).trim()} µs ${ok ? 'met' : 'NOT met'}  (${(used / FREE_PLAN_CPU_MICROS).toFixed(3)} of the limit)`,
    );
  }
}

export function printColdStarts(
  service: ColdStart,
  floor: ColdStart,
  times: number,
  gzippedBytes: number,
  firstRequest: string,
): void {
  console.log(
    `\nCold start in workerd (a fresh workerd with one Worker, ${times} times each, interleaved; medians; first request ${firstRequest})`,
  );
  console.log('                                     service       floor   service − floor');
  const line = (label: string, s: number, f: number) =>
    console.log(
      `  ${label.padEnd(33)}${s.toFixed(1).padStart(7)} ms  ${f.toFixed(1).padStart(7)} ms  ${(s - f).toFixed(1).padStart(8)} ms`,
    );
  line('ready (workerd up, script run)', service.ready, floor.ready);
  line('first response after ready', service.firstResponse, floor.firstResponse);
  line('ready + first response', service.total, floor.total);
  line('warm response (median of 20)', service.warm, floor.warm);
  console.log(
    `  service's own cold-start cost (its script's parse and top level, its first request's setup): ${(service.total - floor.total).toFixed(1)} ms; first request ${(service.firstResponse / Math.max(0.01, service.warm)).toFixed(1)}× the warm median`,
  );
  console.log(`  Worker bundle: ${(gzippedBytes / 1024).toFixed(1)} KB gzipped`);
}
