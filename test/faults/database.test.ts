/** @module Faults: the database failing mid-request (SQLite triggers on the libSQL file) → 503, nothing half-written, retry works. */
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, payCheckout, startBillingHarness } from '../node/billing-harness';
import { count, counts, expectUnavailable, failWrites, sideConnection } from './helpers';

const SIGNUP_TABLES = ['readers', 'memberships', 'trial_claims', 'sessions'] as const;

let b: BillingHarness;
let side: Client;

beforeAll(async () => {
  b = await startBillingHarness({ LIMIT_SIGNUPS: '100000/1h', LOG_LEVEL: 'silent' });
  side = sideConnection(b.h);
});
afterAll(async () => {
  side?.close();
  await b?.close();
});

async function signUp(email: string) {
  return b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
}

describe('the database failing mid-request (Node door, libSQL file)', () => {
  it('sign-up: the last write of the batch fails → 503, no reader, membership, trial claim or session; the retry gets the trial', async () => {
    const before = await counts(side, SIGNUP_TABLES);
    const fault = await failWrites(side, 'sessions', 'INSERT');
    try {
      expectUnavailable(await signUp('fault.signup@example.com'));
      expect(await counts(side, SIGNUP_TABLES)).toEqual(before);
    } finally {
      await fault.drop();
    }
    const retry = await signUp('fault.signup@example.com');
    expect(retry.status, retry.text).toBe(201);
    // The failed attempt left no trial claim behind, so the person still gets their trial.
    expect(retry.json.membership.status).toBe('trialing');
    const after = await counts(side, SIGNUP_TABLES);
    for (const t of SIGNUP_TABLES) expect(after[t], t).toBe((before[t] ?? 0) + 1);
  });

  it('another process holding the write lock → 503, nothing written; the retry succeeds once it is released', async () => {
    const before = await counts(side, SIGNUP_TABLES);
    const lock = await side.transaction('write');
    try {
      expectUnavailable(await signUp('fault.locked@example.com'));
      expect(await counts(side, SIGNUP_TABLES)).toEqual(before);
    } finally {
      await lock.rollback();
    }
    // The failed statement must not leave the door's connection stuck (libsql does, unless reopened).
    for (const n of [1, 2, 3]) {
      const retry = await signUp(`fault.locked${n}@example.com`);
      expect(retry.status, retry.text).toBe(201);
    }
  });

  it('token issuance: the pairwise-subject write fails → 503, no mapping, no token; the retry issues one', async () => {
    const created = await b.h.call('POST', '/v1/admin/publishers', {
      token: b.h.env.ADMIN_API_KEY,
      body: { name: 'Fault Times', origins: ['https://fault-times.example'] },
    });
    expect(created.status, created.text).toBe(201);
    const publisher = String(created.json.publisher.id);
    const reader = await signUp('fault.token@example.com');
    const session = String(reader.json.session_token);
    const fault = await failWrites(side, 'pairwise_subjects', 'INSERT');
    try {
      const res = await b.h.call('POST', '/v1/me/entitlement-token', {
        token: session,
        body: { publisher },
      });
      expectUnavailable(res);
      expect(res.json.token).toBeUndefined();
      expect(await count(side, 'pairwise_subjects')).toBe(0);
    } finally {
      await fault.drop();
    }
    const retry = await b.h.call('POST', '/v1/me/entitlement-token', { token: session, body: { publisher } });
    expect(retry.status, retry.text).toBe(200);
    expect(await count(side, 'pairwise_subjects')).toBe(1);
  });

  it('webhook application: recording the event fails → 503, membership untouched; redelivery applies each event once', async () => {
    const reader = await signUp('fault.webhook@example.com');
    const readerId = String(reader.json.reader.id);
    const checkout = await b.h.call('POST', '/v1/me/checkout', {
      token: String(reader.json.session_token),
      body: { plan: 'monthly' },
    });
    expect(checkout.status, checkout.text).toBe(200);
    const membershipOf = async () =>
      (
        await side.execute({
          sql: 'SELECT status, version FROM memberships WHERE reader_id = ?',
          args: [readerId],
        })
      ).rows[0];
    const before = await membershipOf();
    const eventsBefore = await count(side, 'stripe_events');
    expect((await payCheckout(b.control, String(checkout.json.url))).ok).toBe(true);

    const fault = await failWrites(side, 'stripe_events', 'INSERT');
    let failed: number[];
    try {
      failed = await b.deliver();
      expect(failed).toContain(503);
      expect(failed.every((s) => s === 200 || s === 503)).toBe(true);
      // The membership update shares the batch with the event record: it rolled back with it.
      expect(await membershipOf()).toEqual(before);
      expect(await count(side, 'stripe_events')).toBe(eventsBefore);
    } finally {
      await fault.drop();
    }
    // Stripe redelivers what failed (the pull queue keeps every delivery that was not answered 2xx).
    const redelivered = await b.deliver();
    expect(redelivered).toHaveLength(failed.filter((s) => s === 503).length);
    expect(redelivered.every((s) => s === 200)).toBe(true);
    expect(await b.deliver()).toEqual([]);
    const after = await membershipOf();
    expect(after?.status).toBe('active');
    const applied = await count(side, 'stripe_events', "reader_id = ? AND outcome = 'applied'", [readerId]);
    // Each applied event moved the version by exactly one: nothing applied twice, nothing lost.
    expect(Number(after?.version) - Number(before?.version)).toBe(applied);
    const dupes = await side.execute('SELECT id FROM stripe_events GROUP BY id HAVING count(*) > 1');
    expect(dupes.rows).toHaveLength(0);
  });
});
