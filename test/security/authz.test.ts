/** @module Crossing lines: webhook replay, a publisher reaching for another's data, a support key mutating, keys of the wrong kind. */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseBody, type Fixtures, pathWith, realId, setupFixtures } from '../fuzz/fixtures';
import { type OpenApiDocument, type Operation, operationsOf } from '../fuzz/openapi';
import { BASE } from '../support/node-door';
import { count, expectProblem, raw, startWorld, unchanged, type World } from './world';

let w: World;
let fx: Fixtures;
let ops: Operation[];

beforeAll(async () => {
  w = await startWorld();
  fx = await setupFixtures(w.h);
  ops = operationsOf((await w.h.call('GET', '/openapi.json')).json as OpenApiDocument);
});
afterAll(() => w.close());

function webhook(payload: string, at: number) {
  const secret = w.h.ctx.config.stripe.webhookSecret;
  const v1 = createHmac('sha256', secret).update(`${at}.${payload}`).digest('hex');
  return raw(w, '/v1/webhooks/stripe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': `t=${at},v1=${v1}` },
    body: payload,
  });
}

describe('webhook replay', () => {
  const payload = JSON.stringify({
    id: 'evt_replay_0001',
    object: 'event',
    type: 'customer.deleted',
    created: Math.floor(Date.now() / 1000) - 3600,
    data: { object: { id: 'cus_replayed', object: 'customer', deleted: true } },
  });

  for (const age of [301, 600, 3600, 86_400 * 30]) {
    it(`refuses a correctly signed event signed ${age} s ago (400), nothing applied`, async () => {
      const res = await unchanged(w, () => webhook(payload, Math.floor(Date.now() / 1000) - age));
      expectProblem(res, 400);
    });
  }

  it('refuses a signature from the future, a wrong secret and a missing header', async () => {
    await unchanged(w, async () => {
      expectProblem(await webhook(payload, Math.floor(Date.now() / 1000) + 3600), 400);
      const forged = createHmac('sha256', 'whsec_wrong')
        .update(`${Math.floor(Date.now() / 1000)}.${payload}`)
        .digest('hex');
      const wrong = await raw(w, '/v1/webhooks/stripe', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${forged}`,
        },
        body: payload,
      });
      expectProblem(wrong, 400);
      expectProblem(await raw(w, '/v1/webhooks/stripe', { method: 'POST', body: payload }), 400);
    });
  });

  it('accepts the same event signed now (control), once', async () => {
    const res = await webhook(payload, Math.floor(Date.now() / 1000));
    expect(res.status, res.text).toBe(200);
  });
});

describe('a publisher reaching for another publisher', () => {
  it("cannot count a read with another publisher's token", async () => {
    const foreign = await w.h.call('POST', '/v1/me/entitlement-token', {
      token: fx.reader.token,
      body: { publisher: fx.otherPublisher.id },
    });
    const res = await unchanged(w, () =>
      w.h.call('POST', '/v1/reads', {
        token: fx.publisher.key,
        body: { token: foreign.json.token, article: { id: 'stolen' } },
      }),
    );
    expect([400, 403]).toContain(res.status);
  });

  it('sees only its own reads and its own profile', async () => {
    const mine = await w.h.call('GET', '/v1/publisher/reads?from=2024-09-01&to=2024-09-30', {
      token: fx.publisher.key,
    });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.json.reads).toBe(3);
    const theirs = await w.h.call('GET', '/v1/publisher/reads?from=2024-09-01&to=2024-09-30', {
      token: fx.otherPublisher.key,
    });
    expect(theirs.json.reads).toBe(2);
    const profile = await w.h.call('GET', '/v1/publisher', { token: fx.publisher.key });
    expect(profile.status).toBe(200);
    expect(JSON.stringify(profile.json)).not.toContain(fx.otherPublisher.id);
  });

  it("cannot exchange another publisher's access code, which stays good for its owner", async () => {
    const q = new URLSearchParams({
      publisher: fx.otherPublisher.id,
      return_to: `${fx.otherPublisher.origin}/a`,
    });
    const redirect = await raw(w, `/access?${q}`, { headers: { cookie: fx.reader.cookie } });
    const code =
      new URL(redirect.headers.get('location') ?? 'https://x/').searchParams.get('paywall_code') ?? '';
    expect(code).not.toBe('');
    const stolen = await unchanged(w, () =>
      w.h.call('POST', '/v1/access/exchange', { token: fx.publisher.key, body: { code } }),
    );
    expectProblem(stolen, 400);
    const owner = await w.h.call('POST', '/v1/access/exchange', {
      token: fx.otherPublisher.key,
      body: { code },
    });
    expect(owner.status, owner.text).toBe(200);
  });

  it('a publisher key opens no admin route, and a session no publisher route', async () => {
    await unchanged(w, async () => {
      for (const path of [
        `/v1/admin/publishers/${fx.otherPublisher.id}`,
        '/v1/admin/reads',
        '/v1/admin/members',
      ]) {
        expectProblem(await w.h.call('GET', path, { token: fx.publisher.key }), 401);
      }
      expectProblem(await w.h.call('GET', '/v1/publisher', { token: fx.reader.token }), 401);
      expectProblem(await w.h.call('GET', '/v1/publisher', { token: fx.adminKey }), 401);
      expectProblem(await w.h.call('GET', '/v1/me', { token: fx.publisher.key }), 401);
    });
  });
});

describe('a support key', () => {
  it('reads but never mutates: every admin mutation answers 403 and changes nothing', async () => {
    const mutations = ops.filter((o) => o.path.startsWith('/v1/admin/') && o.method !== 'GET');
    expect(mutations.length).toBeGreaterThanOrEqual(12);
    const audits = await count(w, 'audit_log');
    for (const op of mutations) {
      const body = baseBody(op, fx);
      const res = await unchanged(w, () =>
        raw(w, pathWith(op, realId(op, fx)), {
          method: op.method,
          headers: {
            authorization: `Bearer ${fx.supportKey}`,
            'content-type': 'application/json',
            origin: BASE,
          },
          body: JSON.stringify(body ?? {}),
        }),
      );
      expect(res.status, `${op.key}: ${res.text}`).toBe(403);
      expect(JSON.parse(res.text).code).toBe('forbidden');
    }
    expect(await count(w, 'audit_log')).toBe(audits);
    expect((await w.h.call('GET', '/v1/admin/members', { token: fx.supportKey })).status).toBe(200);
  });
});
