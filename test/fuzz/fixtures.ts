/** @module Fixtures for requests to every operation: credentials by security scheme, real path ids and a valid base body. */
import { createClient } from '@libsql/client';
import { expect } from 'vitest';
import { BASE, type NodeDoor } from '../support/node-door';
import type { Operation } from './openapi';

export const PASSWORD = 'correct horse battery';

export interface Fixtures {
  adminKey: string;
  supportKey: string;
  victimKeyId: string;
  publisher: { id: string; key: string; origin: string };
  otherPublisher: { id: string; key: string; origin: string };
  reader: { id: string; email: string; token: string; cookie: string };
  token: string;
  payoutId: string;
}

let sequence = 0;
export const freshEmail = (tag = 'fx') =>
  `${tag}.${++sequence}.${Math.random().toString(36).slice(2, 8)}@example.com`;

async function ok(
  h: NodeDoor,
  method: string,
  path: string,
  status: number,
  options: Parameters<NodeDoor['call']>[2],
) {
  const res = await h.call(method, path, options);
  expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
  return res.json;
}

export async function setupFixtures(h: NodeDoor): Promise<Fixtures> {
  const adminKey = h.env.ADMIN_API_KEY ?? '';
  const pub = async (name: string, origin: string) => {
    const json = await ok(h, 'POST', '/v1/admin/publishers', 201, {
      token: adminKey,
      body: { name, origins: [origin] },
    });
    return { id: String(json.publisher.id), key: String(json.api_key), origin };
  };
  const publisher = await pub('Fuzz Gazette', 'https://fuzz.example');
  const otherPublisher = await pub('Other Gazette', 'https://other.example');
  const email = freshEmail('reader');
  const signup = await h.call('POST', '/v1/readers', { body: { email, password: PASSWORD } });
  expect(signup.status, signup.text).toBe(201);
  const cookie = signup.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const reader = {
    id: String(signup.json.reader.id),
    email,
    token: String(signup.json.session_token),
    cookie,
  };
  const issued = await ok(h, 'POST', '/v1/me/entitlement-token', 200, {
    token: reader.token,
    body: { publisher: publisher.id },
  });
  const support = await ok(h, 'POST', '/v1/admin/keys', 201, {
    token: adminKey,
    body: { name: 'support', role: 'support' },
  });
  const victim = await ok(h, 'POST', '/v1/admin/keys', 201, {
    token: adminKey,
    body: { name: 'victim', role: 'support' },
  });
  await ok(h, 'POST', '/v1/reads', 202, {
    token: publisher.key,
    body: { token: issued.token, article: { id: 'fixture-article' } },
  });
  // Reads of an ended month, for a stored payout statement (a payout needs a finished month).
  const db = createClient({ url: h.env.DATABASE_URL ?? '' });
  for (const [p, n] of [
    [publisher.id, 3],
    [otherPublisher.id, 2],
  ] as const) {
    for (let i = 0; i < n; i += 1) {
      await db.execute({
        sql: "INSERT INTO reads (publisher_id, subject, article_id, day, membership, created_at) VALUES (?, ?, 'a', '2024-09-03', 'trial', 0)",
        args: [p, `seed-${i}`],
      });
    }
  }
  db.close();
  const payout = await ok(h, 'POST', '/v1/admin/payouts', 201, {
    token: adminKey,
    body: { month: '2024-09', amount: 1000, currency: 'EUR' },
  });
  return {
    adminKey,
    supportKey: String(support.api_key),
    victimKeyId: String(victim.key.id),
    publisher,
    otherPublisher,
    reader,
    token: String(issued.token),
    payoutId: String(payout.id),
  };
}

/** The credential of the operation's security scheme. */
export function credentialFor(op: Operation, fx: Fixtures): string | undefined {
  if (op.security.includes('adminKey')) return fx.adminKey;
  if (op.security.includes('publisherKey')) return fx.publisher.key;
  if (op.security.includes('session')) return fx.reader.token;
  return undefined;
}

/** A real id for the operation's `{id}`. */
export function realId(op: Operation, fx: Fixtures): string {
  if (op.path.includes('/publishers/')) return fx.publisher.id;
  if (op.path.includes('/members/')) return fx.reader.id;
  if (op.path.includes('/keys/')) return fx.victimKeyId;
  if (op.path.includes('/payouts/')) return fx.payoutId;
  return 'unknown';
}

export function pathWith(op: Operation, id: string): string {
  return op.path.replace('{id}', encodeURIComponent(id));
}

const future = () => new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** A body the operation would accept (before any field is replaced), or undefined when it takes none. */
export function baseBody(op: Operation, fx: Fixtures): unknown {
  const bodies: Record<string, () => unknown> = {
    'POST /v1/readers': () => ({ email: freshEmail('base'), password: PASSWORD }),
    'POST /v1/sessions': () => ({ email: 'nobody@example.com', password: PASSWORD }),
    'DELETE /v1/me': () => ({ password: PASSWORD }),
    'POST /v1/me/entitlement-token': () => ({ publisher: fx.publisher.id, article: 'a-1' }),
    'POST /v1/admin/publishers': () => ({ name: 'Base', origins: ['https://base.example'] }),
    'PATCH /v1/admin/publishers/{id}': () => ({ name: 'Base', origins: [fx.publisher.origin] }),
    'POST /v1/admin/members/{id}/trial': () => ({ ends_at: future() }),
    'POST /v1/me/checkout': () => ({ plan: 'monthly', success_url: `${BASE}/ok`, cancel_url: `${BASE}/no` }),
    'POST /v1/me/billing-portal': () => ({ return_url: `${BASE}/account` }),
    'POST /v1/access/exchange': () => ({ code: 'c'.repeat(43), article: 'a-1' }),
    'POST /v1/admin/members/{id}/comp': () => ({ until: future(), reason: 'base' }),
    'POST /v1/admin/members/{id}/cancel': () => ({ at_period_end: true }),
    'POST /v1/admin/keys': () => ({ name: 'base', role: 'support' }),
    'POST /v1/admin/payouts': () => ({ month: '2024-10', amount: 100, currency: 'EUR' }),
    'POST /v1/tokens/introspect': () => ({ token: fx.token }),
    'POST /v1/reads': () => ({
      token: fx.token,
      article: { id: 'a-1', title: 'T', url: `${fx.publisher.origin}/a` },
    }),
    'PATCH /v1/publisher': () => ({ name: 'Base', origins: [fx.publisher.origin] }),
    'POST /v1/password-resets': () => ({ email: 'nobody@example.com' }),
    'POST /v1/password-resets/confirm': () => ({ token: 't'.repeat(43), password: PASSWORD }),
  };
  const make = bodies[op.key];
  if (make) return make();
  return op.body ? {} : undefined;
}
