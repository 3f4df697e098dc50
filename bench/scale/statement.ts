/**
 * @module The month's payout statement (`POST /v1/admin/payouts`) at scale: its time, and the door's
 * resident memory while it walks every read of the month (peak RSS from /proc, sampled as well).
 */
import { expect, memoryOf, resetPeak } from './timing';

export interface StatementFigures {
  seconds: number;
  reads: number;
  /** MB: the door's RSS before, its peak while the statement was made, and the growth. */
  rssBefore: number | null;
  rssPeak: number | null;
}

/** A currency no earlier run has used on this (kept) database: a statement is made once per month and currency. */
function freshCurrency(n: number): string {
  const t = Math.floor(Date.now() / 1000) * 8 + n;
  const letters = [t % 26, Math.floor(t / 26) % 26, Math.floor(t / 676) % 26];
  return String.fromCharCode(...letters.map((l) => 65 + l));
}

export async function makeStatement(
  door: { url: string; adminKey: string; pid: number | undefined },
  month: string,
  attempt: number,
): Promise<StatementFigures> {
  const before = memoryOf(door.pid);
  resetPeak(door.pid);
  let sampled = before?.rss ?? 0;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, memoryOf(door.pid)?.rss ?? 0);
  }, 20);
  const start = performance.now();
  const answer = (await expect(201, `${door.url}/v1/admin/payouts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${door.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ month, amount: 10_000_000, currency: freshCurrency(attempt) }),
  })) as { reads: number };
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  const after = memoryOf(door.pid);
  return {
    seconds,
    reads: answer.reads,
    rssBefore: before?.rss ?? null,
    rssPeak: after ? Math.max(after.peak, sampled) : null,
  };
}
