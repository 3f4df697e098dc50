import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileStripe } from '../../src/features/billing/reconcile';
import { type BillingHarness, startBillingHarness } from './billing-harness';
import { mulberry32 } from './seeded-random';

/**
 * Chaos: many readers with random but valid Stripe histories; every webhook shuffled, 30 %
 * delivered twice, 20 % never delivered (left to reconciliation), 8 deliveries in flight at once.
 * At the end every membership must equal what the emulator (Stripe's truth) says, a deleted Stripe
 * customer must be unlinked, and no event may take effect twice. A second run delivers no webhook
 * at all: reconciliation alone must reach the same truth.
 * Reproduce a failure with CHAOS_SEED=<seed printed in the failure message>.
 */
const READERS = Number(process.env.CHAOS_READERS ?? 200);
const DROPPED = 0.2;
const TWICE = 0.3;
const IN_FLIGHT = 8;
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const DAY = 86_400;

const random = mulberry32(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

type Scenario =
  | 'none'
  | 'trial'
  | 'trial_fail'
  | 'trial_fail_then_pay'
  | 'paid_now'
  | 'cancel_later'
  | 'cancel_now'
  | 'refund'
  | 'customer_deleted';
const SCENARIOS: Scenario[] = [
  'none',
  'trial',
  'trial_fail',
  'trial_fail_then_pay',
  'paid_now',
  'cancel_later',
  'cancel_now',
  'refund',
  'customer_deleted',
];

interface Reader {
  email: string;
  token: string;
  id: string;
  scenario: Scenario;
  customer?: string;
  subscription?: string;
}

let b: BillingHarness;
const stats = { deliveries: 0, copies: 0, dropped: 0, duplicates: 0, reconciled: 0 };
const firstOutcome = new Map<string, string>();
const appliedOnce = new Set<string>();
const failures: string[] = [];

beforeAll(async () => {
  b = await startBillingHarness();
});
afterAll(async () => {
  await b?.close();
});

/** `0`: every webhook goes through chaos; `1`: none is delivered at all. */
let dropAll = false;

async function deliverChaotically(): Promise<void> {
  const pending = await b.control.pendingDeliveries();
  const copies: Array<{ id: string; event: string; payload: string; signature: string }> = [];
  const reported = new Set<string>();
  for (const d of pending) {
    stats.deliveries++;
    if (dropAll || random() < DROPPED) {
      stats.dropped++;
      // Lost in transit: Stripe thinks it delivered it; only reconciliation can find it now.
      await b.control.reportDelivery(d.id, 200);
      continue;
    }
    const n = random() < TWICE ? 2 : 1;
    for (let i = 0; i < n; i++)
      copies.push({ id: d.id, event: d.event_id, payload: d.payload, signature: d.signature_header });
  }
  const queue = shuffle(copies);
  await Promise.all(Array.from({ length: IN_FLIGHT }, () => deliverFrom(queue, reported)));
}

/** One of the deliveries in flight: takes copies off the shared queue until it is empty. */
async function deliverFrom(
  queue: Array<{ id: string; event: string; payload: string; signature: string }>,
  reported: Set<string>,
): Promise<void> {
  for (let copy = queue.shift(); copy !== undefined; copy = queue.shift()) {
    stats.copies++;
    const res = await b.h.app.request('http://127.0.0.1:8787/v1/webhooks/stripe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': copy.signature },
      body: copy.payload,
    });
    const body = (await res.json()) as { outcome?: string };
    if (res.status !== 200) failures.push(`${copy.event}: HTTP ${res.status}`);
    // Copies may be in flight together: at most one of them may answer `applied`, and once one has
    // been answered `applied`, every later copy answers `duplicate`.
    const first = firstOutcome.get(copy.event);
    if (first !== undefined) stats.duplicates++;
    if (body.outcome === 'applied' && appliedOnce.has(copy.event)) {
      failures.push(`${copy.event} took effect twice`);
    }
    if (first === 'applied' && body.outcome !== 'duplicate') {
      failures.push(`${copy.event} answered ${body.outcome} after it was applied`);
    }
    if (body.outcome === 'applied') appliedOnce.add(copy.event);
    if (first === undefined && res.status === 200) firstOutcome.set(copy.event, body.outcome ?? '');
    // Stripe records one outcome per delivery; later copies are the network duplicating it.
    if (!reported.has(copy.id)) {
      reported.add(copy.id);
      await b.control.reportDelivery(copy.id, res.status);
    }
  }
}

async function checkout(r: Reader, card: string) {
  const res = await b.h.call('POST', '/v1/me/checkout', {
    token: r.token,
    body: { plan: pick(['monthly', 'annual'] as const) },
  });
  if (res.status !== 200) throw new Error(`checkout ${res.status} ${res.text}`);
  const done = await b.control.completeCheckout(String(res.json.url).split('/').pop() ?? '', card);
  if (!done.ok) throw new Error(`checkout failed for ${r.scenario}`);
  r.subscription = done.subscription.id;
  r.customer = String(done.subscription.customer);
}

/** Stripe's truth, read back from the emulator, in our statuses: an oracle independent of the mapping code. */
async function expectedStatus(r: Reader): Promise<string> {
  if (!r.subscription || !r.customer) {
    const me = await b.h.call('GET', '/v1/me', { token: r.token });
    return Date.parse(me.json.membership.trial_ends_at) / 1000 > b.emulatorNow() ? 'trialing' : 'expired';
  }
  const sub = await b.stripe.subscriptions.retrieve(r.subscription);
  const charges = await b.stripe.charges.list({ customer: r.customer, limit: 100 });
  const latestPaid = charges.data.filter((c) => c.paid).sort((x, y) => y.created - x.created)[0];
  const periodStart = sub.items.data[0]?.current_period_start ?? 0;
  if (latestPaid?.refunded && latestPaid.created >= periodStart - DAY) return 'expired';
  if (sub.status === 'canceled' || sub.status === 'unpaid' || sub.status === 'incomplete_expired')
    return 'expired';
  if (sub.status === 'past_due') return 'past_due';
  if (sub.cancel_at_period_end) return 'canceled';
  return 'active';
}

/** The whole story for `count` readers; returns the readers whose membership differs from Stripe's. */
async function story(count: number, tag: string): Promise<string[]> {
  const started = Date.now();
  const readers: Reader[] = [];
  for (let start = 0; start < count; start += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - start) }, async (_, i) => {
        const email = `chaos${start + i}.${tag}.${SEED}@example.com`;
        const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
        return {
          email,
          token: res.json.session_token as string,
          id: res.json.reader.id as string,
          scenario: pick(SCENARIOS),
        };
      }),
    );
    readers.push(...batch);
  }

  // Phase 1: checkouts (some after the free trial was ended by an admin: charged at once).
  for (const r of readers) {
    if (r.scenario === 'none') continue;
    if (r.scenario === 'paid_now' || r.scenario === 'refund' || r.scenario === 'cancel_now') {
      await b.h.call('POST', `/v1/admin/members/${r.id}/trial`, {
        token: b.h.env.ADMIN_API_KEY,
        body: { ends_at: new Date((b.emulatorNow() - 60) * 1000).toISOString() },
      });
    }
    await checkout(r, r.scenario.startsWith('trial_fail') ? '4000000000000341' : '4242424242424242');
  }
  // Deliveries wait: at the end every event of the story is shuffled together.

  // Phase 2: mid-life changes.
  for (const r of readers) {
    if (!r.subscription) continue;
    if (r.scenario === 'cancel_later')
      await b.stripe.subscriptions.update(r.subscription, { cancel_at_period_end: true });
    if (r.scenario === 'cancel_now') await b.stripe.subscriptions.cancel(r.subscription);
    if (r.scenario === 'refund') await b.control.refundLatest(r.subscription);
    if (r.scenario === 'customer_deleted' && r.customer) await b.stripe.customers.del(r.customer);
  }
  // Deliveries wait: at the end every event of the story is shuffled together.

  // Phase 3: time passes: trials end (charges succeed or fail), then some failed readers pay.
  await b.control.advance({ seconds: 15 * DAY });
  // Deliveries wait: at the end every event of the story is shuffled together.
  for (const r of readers) {
    if (r.scenario !== 'trial_fail_then_pay' || !r.subscription || !r.customer) continue;
    await b.control.replaceCard(r.customer, '4242424242424242');
    const open = await b.stripe.invoices.list({ subscription: r.subscription, status: 'open' });
    for (const invoice of open.data) await b.stripe.invoices.pay(invoice.id);
  }
  await b.control.advance({ seconds: 5 * DAY });
  await deliverChaotically();

  // Reconciliation recovers what was dropped.
  let complete = false;
  for (let i = 0; i < 50 && !complete; i++) {
    const run = await reconcileStripe({ ctx: b.h.ctx, input: { maxEvents: 500 } });
    stats.reconciled += run.applied;
    complete = run.complete;
  }
  expect(complete).toBe(true);

  const mismatches: string[] = [];
  for (const r of readers) {
    const expected = await expectedStatus(r);
    const signIn = await b.h.call('POST', '/v1/sessions', {
      body: { email: r.email, password: 'pass phrase 1' },
    });
    const me = await b.h.call('GET', '/v1/me', { token: signIn.json.session_token });
    if (me.json.membership.status !== expected) {
      mismatches.push(`${r.id} (${r.scenario}): got ${me.json.membership.status}, Stripe says ${expected}`);
    }
    if (r.scenario === 'customer_deleted') {
      const member = await b.h.call('GET', `/v1/admin/members/${r.id}`, { token: b.h.env.ADMIN_API_KEY });
      if (member.json.stripe.customer_id !== null)
        mismatches.push(`${r.id}: still linked to a deleted customer`);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `chaos ${tag} seed=${SEED} readers=${count} deliveries=${stats.deliveries} copies=${stats.copies} ` +
      `dropped=${stats.dropped} duplicates=${stats.duplicates} reconciled=${stats.reconciled} in ${seconds}s`,
  );
  return mismatches;
}

describe(`chaos (seed ${SEED})`, () => {
  it(`${READERS} readers, webhooks shuffled, 30 % twice, 20 % dropped, ${IN_FLIGHT} in flight: every membership is Stripe's truth, no event applied twice`, async () => {
    const mismatches = await story(READERS, 'webhooks');
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(mismatches, `seed ${SEED}`).toEqual([]);
    expect(stats.dropped, `seed ${SEED}: the run must exercise reconciliation`).toBeGreaterThan(0);
    expect(stats.reconciled).toBeGreaterThan(0);
  }, 300_000);

  it('with no webhook delivered at all, reconciliation alone reaches the same truth', async () => {
    dropAll = true;
    const mismatches = await story(Math.min(READERS, 60), 'reconcile');
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(mismatches, `seed ${SEED}`).toEqual([]);
  }, 300_000);
});
