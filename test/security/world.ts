/** @module Shared fixtures of the attack suite: the Node door on a libSQL file, publishers, readers, a cookie jar and row snapshots. */
import { type Client, createClient } from '@libsql/client';
import { expect } from 'vitest';
import { BASE, type NodeDoor, startNodeDoor } from '../support/node-door';

export const PASSWORD = 'correct horse battery';

export interface Publisher {
  id: string;
  key: string;
  origin: string;
}

export interface Reader {
  id: string;
  email: string;
  token: string;
  cookie: string;
}

export interface World {
  h: NodeDoor;
  db: Client;
  adminKey: string;
  close(): void;
}

let counter = 0;
export function uniqueEmail(tag = 'sec'): string {
  counter += 1;
  return `${tag}.${counter}.${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export async function startWorld(extraEnv: Record<string, string> = {}): Promise<World> {
  const h = await startNodeDoor({ LOG_LEVEL: 'error', ...extraEnv });
  const db = createClient({ url: h.env.DATABASE_URL ?? '' });
  return {
    h,
    db,
    adminKey: h.env.ADMIN_API_KEY ?? '',
    close() {
      db.close();
      h.close();
    },
  };
}

/** The `name=value` pairs of every Set-Cookie of an answer, as a Cookie header. */
export function cookiesOf(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .filter((c) => c !== '')
    .join('; ');
}

/** Merges cookie headers, later values winning by name. */
export function mergeCookies(...headers: string[]): string {
  const jar = new Map<string, string>();
  for (const header of headers) {
    for (const pair of header.split(/;\s*/)) {
      const at = pair.indexOf('=');
      if (at > 0) jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

export async function createPublisher(w: World, name: string, origin: string): Promise<Publisher> {
  const res = await w.h.call('POST', '/v1/admin/publishers', {
    token: w.adminKey,
    body: { name, origins: [origin] },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.publisher.id, key: res.json.api_key, origin };
}

export async function signUp(w: World, email = uniqueEmail()): Promise<Reader> {
  const res = await w.h.call('POST', '/v1/readers', { body: { email, password: PASSWORD } });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.reader.id, email, token: res.json.session_token, cookie: cookiesOf(res.headers) };
}

export async function entitlementToken(w: World, reader: Reader, publisher: string): Promise<string> {
  const res = await w.h.call('POST', '/v1/me/entitlement-token', {
    token: reader.token,
    body: { publisher },
  });
  expect(res.status, res.text).toBe(200);
  return res.json.token;
}

/** Tables only bookkeeping touches (limiter counters), never a refused caller's request. */
// Counters of refused requests (rate limits, refused reads) move on every refusal by design.
const BOOKKEEPING = /rate|limit|refusals|job_state|_litestream|migrations/i;

/** Every row of every table except bookkeeping: the strictest "nothing changed". */
export async function snapshot(w: World): Promise<string> {
  const tables = await w.db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const parts: string[] = [];
  for (const row of tables.rows) {
    const name = String(row.name);
    if (BOOKKEEPING.test(name)) continue;
    const rows = await w.db.execute(`SELECT * FROM "${name}" ORDER BY rowid`);
    parts.push(`${name}:${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}

export async function count(w: World, table: string): Promise<number> {
  const res = await w.db.execute(`SELECT count(*) AS n FROM "${table}"`);
  return Number(res.rows[0]?.n ?? 0);
}

/** Runs `attack` and asserts that no row of the database changed. */
export async function unchanged<T>(w: World, attack: () => Promise<T>): Promise<T> {
  const before = await snapshot(w);
  const result = await attack();
  expect(await snapshot(w)).toBe(before);
  return result;
}

/** A raw request to the app (for bodies and headers the harness's `call` does not make). */
export async function raw(w: World, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (!headers.has('x-forwarded-for')) headers.set('x-forwarded-for', `203.0.113.${(counter++ % 250) + 1}`);
  const res = await w.h.app.request(`${BASE}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

export function expectProblem(res: { status: number; headers: Headers; text: string }, status: number) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type') ?? '').toContain('application/problem+json');
  expect(JSON.parse(res.text).status).toBe(status);
}
