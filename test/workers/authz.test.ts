/**
 * @module Who may call what: every admin and publisher route × every wrong credential → 401/403 and
 * not one byte of the database changed. The table must list every such route the app serves (from
 * its OpenAPI document and its router), so a new route cannot ship without its entry here.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app';
import { newAdminKey, seedReads } from './admin-helpers';
import { type Fixture, ROUTES } from './authz-table';
import { adminKey, BASE, call, createPublisher, signUp } from './helpers';

/** Tables that only bookkeeping writes (never a caller's request) may touch. */
const IGNORED_TABLES = new Set(['d1_migrations', '_cf_KV', '_cf_METADATA', 'sqlite_sequence']);

/** Every row of every table: the strictest "nothing changed". */
async function snapshot(): Promise<string> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).all<{ name: string }>();
  const parts: string[] = [];
  for (const { name } of results) {
    if (IGNORED_TABLES.has(name) || /rate|limit/i.test(name)) continue;
    const rows = await env.DB.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all();
    parts.push(`${name}:${JSON.stringify(rows.results)}`);
  }
  return parts.join('\n');
}

/** The routes of the app that need the admin or a publisher key, by its OpenAPI document and router. */
async function guardedRoutes(): Promise<{ documented: Set<string>; routed: Set<string> }> {
  const res = await SELF.fetch(`${BASE}/openapi.json`);
  const doc = (await res.json()) as {
    paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
  };
  const documented = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
      const guarded = schemes.includes('adminKey') || schemes.includes('publisherKey');
      if (guarded || path.startsWith('/v1/admin') || path.startsWith('/v1/publisher')) {
        documented.add(`${method.toUpperCase()} ${path}`);
      }
    }
  }
  const app = createApp(async () => {
    throw new Error('the router is only listed here');
  });
  const routed = new Set(
    app.routes
      .filter((r) => r.method !== 'ALL' && /^\/v1\/(admin|publisher)/.test(r.path))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
  );
  return { documented, routed };
}

let f: Fixture;

/** A one-time access code for a publisher, as its page receives it after `/access` (valid 60 s). */
async function accessCode(publisherId: string, cookie: string): Promise<string> {
  const redirect = await SELF.fetch(
    `${BASE}/access?${new URLSearchParams({ publisher: publisherId, return_to: 'https://other.example/a' })}`,
    { headers: { cookie }, redirect: 'manual' },
  );
  const code = new URL(redirect.headers.get('location') ?? 'https://x/').searchParams.get('paywall_code');
  if (!code) throw new Error(`no access code: ${redirect.status}`);
  return code;
}

beforeAll(async () => {
  const own = await createPublisher('Own Gazette', ['https://own.example']);
  const other = await createPublisher('Other Gazette', ['https://other.example']);
  const { reader, token: session, res } = await signUp();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const issued = await call('POST', '/v1/me/entitlement-token', {
    token: session,
    body: { publisher: other.publisher.id },
  });
  expect(issued.status, issued.text).toBe(200);
  const otherCode = await accessCode(other.publisher.id, cookie);
  const support = await newAdminKey('support');
  const victim = await newAdminKey('admin', 'victim');
  await seedReads(other.publisher.id, new Date().toISOString().slice(0, 10), 3, 'trial', 'today');
  await seedReads(own.publisher.id, '2024-09-03', 2);
  await seedReads(own.publisher.id, '2024-10-03', 2);
  const payout = await call('POST', '/v1/admin/payouts', {
    token: adminKey(),
    body: { month: '2024-09', amount: 100, currency: 'EUR' },
  });
  expect(payout.status, payout.text).toBe(201);
  f = {
    readerId: reader.id,
    session,
    cookie,
    own: { id: own.publisher.id, key: own.api_key },
    other: { id: other.publisher.id, key: other.api_key },
    otherToken: issued.json.token,
    otherCode,
    supportKey: support.apiKey,
    victimKeyId: victim.id,
    payoutId: payout.json.id,
  };
});

async function send(route: string, headers: Record<string, string>) {
  const entry = ROUTES[route];
  if (!entry) throw new Error(`no table entry for ${route}`);
  const method = route.split(' ')[0] ?? 'GET';
  const sample = entry.sample(f);
  const body =
    sample.body === undefined ? (method === 'GET' ? undefined : '{}') : JSON.stringify(sample.body);
  const res = await SELF.fetch(`${BASE}${sample.path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get('content-type') };
}

describe('the table covers every guarded route', () => {
  it('lists every admin and publisher route of the OpenAPI document and of the router, and no other', async () => {
    const { documented, routed } = await guardedRoutes();
    const table = new Set(Object.keys(ROUTES));
    expect(
      [...documented].filter((r) => !table.has(r)),
      'documented routes missing from the table',
    ).toEqual([]);
    expect(
      [...routed].filter((r) => !table.has(r)),
      'routed paths missing from the table',
    ).toEqual([]);
    expect(
      [...table].filter((r) => !documented.has(r)),
      'table entries the app does not serve',
    ).toEqual([]);
  });
});

const wrongCredentials: Array<[string, (f: Fixture) => Record<string, string>]> = [
  ['no key', () => ({})],
  ['a malformed key', () => ({ authorization: 'Bearer not-a-key' })],
  ['a well-formed unknown admin key', () => ({ authorization: `Bearer ak_test_${'A'.repeat(43)}` })],
  ['a well-formed unknown publisher key', () => ({ authorization: `Bearer ppk_test_${'A'.repeat(43)}` })],
  ['Basic credentials', () => ({ authorization: `Basic ${btoa(`admin:${adminKey()}`)}` })],
  ['a reader session token', (fx) => ({ authorization: `Bearer ${fx.session}` })],
  ['a reader session cookie', (fx) => ({ cookie: fx.cookie })],
];

describe.each(Object.keys(ROUTES))('%s', (route) => {
  const entry = ROUTES[route];
  it.each(wrongCredentials)('refuses %s with 401 and changes nothing', async (_, credential) => {
    const before = await snapshot();
    const res = await send(route, credential(f));
    expect(res.status, res.text).toBe(401);
    expect(res.type).toBe('application/problem+json');
    expect(await snapshot()).toBe(before);
  });

  if (entry?.kind === 'publisher') {
    it('refuses an admin key with 401 and changes nothing', async () => {
      const before = await snapshot();
      const res = await send(route, { authorization: `Bearer ${adminKey()}` });
      expect(res.status, res.text).toBe(401);
      expect(await snapshot()).toBe(before);
    });
  } else {
    it('refuses a publisher key with 401 and changes nothing', async () => {
      const before = await snapshot();
      const res = await send(route, { authorization: `Bearer ${f.own.key}` });
      expect(res.status, res.text).toBe(401);
      expect(await snapshot()).toBe(before);
    });
  }

  if (entry?.kind === 'admin-write') {
    it('refuses a support key with 403 and changes nothing', async () => {
      const before = await snapshot();
      const res = await send(route, { authorization: `Bearer ${f.supportKey}` });
      expect(res.status, res.text).toBe(403);
      expect(JSON.parse(res.text).code).toBe('forbidden');
      expect(await snapshot()).toBe(before);
    });
  }
  if (entry?.kind === 'admin-read') {
    it('lets a support key read', async () => {
      const res = await send(route, { authorization: `Bearer ${f.supportKey}` });
      expect(res.status, res.text).toBe(200);
    });
  }
});

/** What a publisher key gets when it reaches for another publisher's data. */
async function otherPublisherRow() {
  const answers = await env.DB.batch([
    env.DB.prepare('SELECT * FROM publishers WHERE id = ?').bind(f.other.id),
    env.DB.prepare('SELECT * FROM reads WHERE publisher_id = ? ORDER BY rowid').bind(f.other.id),
    env.DB.prepare('SELECT * FROM access_codes WHERE publisher_id = ? ORDER BY rowid').bind(f.other.id),
  ]);
  return JSON.stringify(answers.map((a) => a.results));
}

describe("a publisher key on another publisher's data", () => {
  beforeAll(async () => {
    // The code of the fixture may have outlived its 60 seconds while the table above ran.
    f.otherCode = await accessCode(f.other.id, f.cookie);
  });

  it.each([
    [
      'POST /v1/tokens/introspect',
      (status: number, body: { active?: boolean }) => status === 200 && body.active === false,
    ],
    [
      'POST /v1/reads',
      (status: number, body: { code?: string }) => status === 403 && body.code === 'forbidden',
    ],
    ['POST /v1/access/exchange', (status: number) => status === 400],
    [
      'GET /v1/publisher/reads',
      (status: number, body: { reads?: number }) => status === 200 && body.reads === 0,
    ],
    ['GET /v1/publisher', (status: number, body: { id?: string }) => status === 200 && body.id === f.own.id],
    [
      'PATCH /v1/publisher',
      (status: number, body: { id?: string }) => status === 200 && body.id === f.own.id,
    ],
  ] as const)('%s: refused or confined to its own', async (route, ok) => {
    const before = await otherPublisherRow();
    const res = await send(route, { authorization: `Bearer ${f.own.key}` });
    expect(ok(res.status, JSON.parse(res.text)), `${res.status} ${res.text}`).toBe(true);
    expect(await otherPublisherRow()).toBe(before);
  });

  it('leaves the code usable by its own publisher', async () => {
    const res = await call('POST', '/v1/access/exchange', {
      token: f.other.key,
      body: { code: f.otherCode },
    });
    expect(res.status, res.text).toBe(200);
  });
});
