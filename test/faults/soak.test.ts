/** @module A short, fixed-duration soak in CI: the real Node door as a process, the emulator, every invariant. */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../scripts/soak';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 8);
const RATE = Number(process.env.SOAK_RATE ?? 20);

describe(`soak: ${SECONDS}s at ${RATE} operations/s`, () => {
  it('ends with no error and every invariant holding', async () => {
    const lines: string[] = [];
    const report = await runSoak({ seconds: SECONDS, rate: RATE, log: (line) => lines.push(line) });
    console.log(lines.join('\n'));
    expect(report.errors).toEqual([]);
    expect(report.broken).toEqual([]);
    // The mix really ran: every kind of operation, and webhooks from the checkouts.
    for (const op of ['signup', 'token', 'read', 'checkout', 'advance'])
      expect(report.operations[op]?.count ?? 0, op).toBeGreaterThan(0);
    expect(report.totals.webhooks).toBeGreaterThan(0);
  }, 120_000);
});
