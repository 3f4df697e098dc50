/**
 * @module Faults: a burst of BURST_EVENTS (default 2,000; 5,000 in docs/RELIABILITY.md) Stripe webhooks, delivered 24 at a time in
 * shuffled order with duplicates: nothing lost, nothing applied twice, memberships equal Stripe's truth.
 */
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLED_EVENT_TYPES } from '../../src/features/billing/webhook/handlers';
import { type BillingHarness, startBillingHarness } from '../node/billing-harness';
import { mulberry32 } from '../node/seeded-random';
import { sideConnection } from './helpers';

const TARGET = Number(process.env.BURST_EVENTS ?? 2000);
const IN_FLIGHT = Number(process.env.BURST_IN_FLIGHT ?? 24);
const SEED = Number(process.env.BURST_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** A checkout with a trial, the trial's end and three monthly renewals make about this many events per reader. */
const EVENTS_PER_READER = 26;
const DAY = 86_400;

const random = mulberry32(SEED);

interface Reader {
  id: string;
  token: string;
  subscription: string;
}

let b: BillingHarness;
let side: Client;

beforeAll(async () => {
  b = await startBillingHarness({ LIMIT_SIGNUPS: '1000000/1h', LOG_LEVEL: 'silent' });
  side = sideConnection(b.h);
});
afterAll(async () => {
  side?.close();
  await b?.close();
});

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

async function makeReader(n: number): Promise<Reader> {
  const signUp = await b.h.call('POST', '/v1/readers', {
    body: { email: `burst${n}.${SEED}@example.com`, password: 'pass phrase 1' },
  });
  if (signUp.status !== 201) throw new Error(`sign-up ${signUp.status} ${signUp.text}`);
  const token = String(signUp.json.session_token);
  const checkout = await b.h.call('POST', '/v1/me/checkout', {
    token,
    body: { plan: random() < 0.85 ? 'monthly' : 'annual' },
  });
  if (checkout.status !== 200) throw new Error(`checkout ${checkout.status} ${checkout.text}`);
  // One in five cards fails at the trial's end: past_due, then canceled by Stripe.
  const card = random() < 0.2 ? '4000000000000341' : '4242424242424242';
  const done = await b.control.completeCheckout(String(checkout.json.url).split('/').pop() ?? '', card);
  if (!done.ok) throw new Error('checkout refused');
  return { id: String(signUp.json.reader.id), token, subscription: done.subscription.id };
}

/** Stripe's truth in our statuses, read from the emulator. */
function expectedStatus(sub: { status: string; cancel_at_period_end: boolean }): string {
  if (['canceled', 'unpaid', 'incomplete_expired'].includes(sub.status)) return 'expired';
  if (sub.status === 'past_due') return 'past_due';
  return sub.cancel_at_period_end ? 'canceled' : 'active';
}

describe(`a burst of ${TARGET} webhooks, ${IN_FLIGHT} in flight (seed ${SEED})`, () => {
  it('answers every delivery, loses nothing, applies nothing twice and ends at Stripe’s truth', async () => {
    const readers: Reader[] = [];
    // 10 % more readers than the average needs: how many events a reader makes depends on its card.
    const ids = Array.from({ length: Math.ceil((TARGET * 1.1) / EVENTS_PER_READER) }, (_, i) => i);
    await pool(ids, 8, async (n) => {
      readers.push(await makeReader(n));
    });
    const versionOf = async () => {
      const rs = await side.execute(
        'SELECT reader_id, version, status, stripe_subscription_id FROM memberships',
      );
      return new Map(rs.rows.map((r) => [String(r.reader_id), r]));
    };
    const before = await versionOf();
    // Trials end (paid or failed), three months pass (renewals; failed ones are canceled after 14 days).
    await b.control.advance({ seconds: 15 * DAY });
    for (let month = 0; month < 3; month++) await b.control.advance({ seconds: 31 * DAY });

    const pending = await b.control.pendingDeliveries();
    const copies = pending.map((d) => ({
      event: d.event_id,
      type: d.type,
      payload: d.payload,
      sig: d.signature_header,
    }));
    for (const d of copies.slice()) if (random() < 0.1) copies.push({ ...d });
    for (let i = copies.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copies[i], copies[j]] = [copies[j] as (typeof copies)[number], copies[i] as (typeof copies)[number]];
    }

    const started = Date.now();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let retries = 0;
    await pool(copies, IN_FLIGHT, async (copy) => {
      // Stripe's side: a 503 is retried (here at once) until the service takes the event.
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await b.h.app.request('http://127.0.0.1:8787/v1/webhooks/stripe', {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': copy.sig },
          body: copy.payload,
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) return;
        if (res.status !== 503) {
          failures.push(`${copy.event} (${copy.type}): HTTP ${res.status} ${text.slice(0, 200)}`);
          return;
        }
        retries++;
      }
      failures.push(`${copy.event}: still 503 after 20 attempts`);
    });
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `burst seed=${SEED} readers=${readers.length} events=${pending.length} deliveries=${copies.length} ` +
        `in_flight=${IN_FLIGHT} retried_503=${retries} statuses=${JSON.stringify(Object.fromEntries(statuses))} ` +
        `in ${seconds.toFixed(1)}s (${(copies.length / seconds).toFixed(0)}/s)`,
    );
    expect(pending.length).toBeGreaterThanOrEqual(TARGET * 0.85);
    expect(failures, `seed ${SEED}`).toEqual([]);

    // Nothing lost: every event we handle is recorded exactly once.
    const handled = new Set(pending.filter((d) => HANDLED_EVENT_TYPES.has(d.type)).map((d) => d.event_id));
    const recorded = await side.execute('SELECT id, count(*) AS n FROM stripe_events GROUP BY id');
    const recordedIds = new Set(recorded.rows.map((r) => String(r.id)));
    expect(recorded.rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(
      [...handled].filter((id) => !recordedIds.has(id)),
      `seed ${SEED}: lost events`,
    ).toEqual([]);
    expect(recordedIds.size).toBe(handled.size);

    // Nothing applied twice: each reader's version moved once per event recorded as applied.
    const after = await versionOf();
    const applied = await side.execute(
      "SELECT reader_id, count(*) AS n FROM stripe_events WHERE outcome = 'applied' GROUP BY reader_id",
    );
    const appliedBy = new Map(applied.rows.map((r) => [String(r.reader_id), Number(r.n)]));
    const mismatches: string[] = [];
    for (const r of readers) {
      const moved = Number(after.get(r.id)?.version) - Number(before.get(r.id)?.version);
      if (moved !== (appliedBy.get(r.id) ?? 0))
        mismatches.push(`${r.id}: version +${moved}, applied ${appliedBy.get(r.id)}`);
    }
    expect(mismatches, `seed ${SEED}`).toEqual([]);

    // Final memberships equal Stripe's truth.
    await pool(readers, 8, async (r) => {
      const sub = await b.stripe.subscriptions.retrieve(r.subscription);
      const row = after.get(r.id);
      const want = expectedStatus(sub);
      if (row?.status !== want || row?.stripe_subscription_id !== r.subscription)
        mismatches.push(`${r.id}: ${String(row?.status)}, Stripe says ${want} (${sub.status})`);
    });
    expect(mismatches, `seed ${SEED}`).toEqual([]);
  }, 240_000);
});
