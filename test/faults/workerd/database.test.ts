/** @module Faults inside workerd: D1 failing mid-request (a trigger that aborts) → 503, nothing half-written, retry works. */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, countRows, createPublisher, signUp, uniqueEmail } from '../../workers/helpers';
import { expectProblem } from '../../workers/publisher-helpers';

const TABLES = ['readers', 'memberships', 'trial_claims', 'sessions'] as const;

async function withFault<T>(table: string, event: 'INSERT' | 'UPDATE', fn: () => Promise<T>): Promise<T> {
  const name = `inject_${table}_${event.toLowerCase()}`;
  await env.DB.exec(
    `CREATE TRIGGER ${name} BEFORE ${event} ON ${table} BEGIN SELECT RAISE(ABORT, 'injected fault'); END;`,
  );
  try {
    return await fn();
  } finally {
    await env.DB.exec(`DROP TRIGGER ${name};`);
  }
}

async function counts() {
  return Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await countRows(t)] as const)));
}

describe('D1 failing mid-request (workerd)', () => {
  it('sign-up → 503 unavailable, no row of the batch written; the retry succeeds with the trial', async () => {
    const email = uniqueEmail('d1fault');
    const before = await counts();
    await withFault('sessions', 'INSERT', async () => {
      const res = await call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
      expectProblem(res, 503, 'unavailable');
      expect(await counts()).toEqual(before);
    });
    const retry = await call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
    expect(retry.status, retry.text).toBe(201);
    expect(retry.json.membership.status).toBe('trialing');
    const after = await counts();
    for (const t of TABLES) expect(after[t], t).toBe((before[t] ?? 0) + 1);
  });

  it('token issuance → 503 unavailable, no pairwise mapping; the retry issues the token', async () => {
    const { publisher } = await createPublisher();
    const { token } = await signUp();
    const mappings = () => countRows('pairwise_subjects');
    const before = await mappings();
    await withFault('pairwise_subjects', 'INSERT', async () => {
      const res = await call('POST', '/v1/me/entitlement-token', {
        token,
        body: { publisher: publisher.id },
      });
      expectProblem(res, 503, 'unavailable');
      expect(await mappings()).toBe(before);
    });
    const retry = await call('POST', '/v1/me/entitlement-token', {
      token,
      body: { publisher: publisher.id },
    });
    expect(retry.status, retry.text).toBe(200);
    expect(await mappings()).toBe(before + 1);
  });
});
