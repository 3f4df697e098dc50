/**
 * @module SQL metacharacters and oversized strings in every text field of every JSON endpoint (from
 * the OpenAPI document): never a 5xx, a refusal is problem+json and writes nothing, 1 MiB is a 413.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseBody, credentialFor, type Fixtures, pathWith, realId, setupFixtures } from '../fuzz/fixtures';
import { type OpenApiDocument, type Operation, operationsOf, setPath, stringFields } from '../fuzz/openapi';
import { raw, snapshot, startWorld, type World } from './world';

const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE readers; --",
  '" OR ""="',
  "1; UPDATE memberships SET status='comped' --",
  "' UNION SELECT password_hash FROM readers --",
  '%_\\\0\u0000',
  "Robert'); DELETE FROM sessions; --@example.com",
];
const MIB = 'x'.repeat(1024 * 1024);
const NEAR_LIMIT = 'y'.repeat(60 * 1024);

let w: World;
let fx: Fixtures;
let ops: Operation[];

beforeAll(async () => {
  w = await startWorld();
  fx = await setupFixtures(w.h);
  ops = operationsOf((await w.h.call('GET', '/openapi.json')).json as OpenApiDocument);
});
afterAll(() => w.close());

async function send(op: Operation, path: string, body: unknown) {
  const token = credentialFor(op, fx);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return raw(w, path, {
    method: op.method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Sends, and checks the answer: below 500; a refusal is problem+json and changed nothing. */
async function attempt(op: Operation, path: string, body: unknown, what: string) {
  const before = await snapshot(w);
  const res = await send(op, path, body);
  expect(res.status, `${op.key} ${what}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  expect(res.text).not.toMatch(/SQLITE|syntax error|at .*\.ts:\d+/i);
  if (res.status >= 400 && path.startsWith('/v1/')) {
    expect(res.headers.get('content-type'), `${op.key} ${what}`).toContain('application/problem+json');
    expect(await snapshot(w), `${op.key} ${what} wrote despite ${res.status}`).toBe(before);
  }
  return res;
}

describe('every text field of every JSON endpoint', () => {
  it('covers the JSON endpoints of the document', () => {
    expect(ops.filter((o) => o.body).length).toBeGreaterThanOrEqual(15);
  });

  it('SQL metacharacters: never a 5xx, refusals write nothing', async () => {
    for (const op of ops.filter((o) => o.body && o.path.startsWith('/v1/') && !o.path.includes('webhooks'))) {
      const path = pathWith(op, realId(op, fx));
      for (const field of stringFields(op.body?.schema ?? {})) {
        for (const payload of SQL) {
          await attempt(op, path, setPath(baseBody(op, fx), field, payload), `${field.join('.')}=${payload}`);
        }
      }
    }
  });

  it('SQL metacharacters in path and query parameters', async () => {
    for (const op of ops.filter((o) => o.path.startsWith('/v1/') && !o.path.includes('webhooks'))) {
      for (const payload of SQL.slice(0, 4)) {
        if (op.path.includes('{id}'))
          await attempt(op, pathWith(op, payload), baseBody(op, fx), `{id}=${payload}`);
        for (const param of op.parameters.filter((p) => p.in === 'query')) {
          const path = `${pathWith(op, realId(op, fx))}?${new URLSearchParams({ [param.name]: payload })}`;
          await attempt(op, path, baseBody(op, fx), `?${param.name}=${payload}`);
        }
      }
    }
  });

  it('1 MiB strings: 413 problem+json, nothing written', async () => {
    for (const op of ops.filter((o) => o.body && o.path.startsWith('/v1/') && !o.path.includes('webhooks'))) {
      const path = pathWith(op, realId(op, fx));
      for (const field of stringFields(op.body?.schema ?? {})) {
        const res = await attempt(
          op,
          path,
          setPath(baseBody(op, fx), field, MIB),
          `${field.join('.')}=1 MiB`,
        );
        expect(res.status, `${op.key} ${field.join('.')}`).toBe(413);
        expect(JSON.parse(res.text).code).toBe('payload_too_large');
      }
    }
  });

  it('60 KiB strings (under the body limit, over every field limit): 4xx, nothing written', async () => {
    for (const op of ops.filter((o) => o.body && o.path.startsWith('/v1/') && !o.path.includes('webhooks'))) {
      const path = pathWith(op, realId(op, fx));
      for (const field of stringFields(op.body?.schema ?? {})) {
        const res = await attempt(
          op,
          path,
          setPath(baseBody(op, fx), field, NEAR_LIMIT),
          `${field.join('.')}=60 KiB`,
        );
        expect(res.status, `${op.key} ${field.join('.')}: ${res.text.slice(0, 200)}`).toBeGreaterThanOrEqual(
          400,
        );
      }
    }
  });

  it('the schema is intact afterwards', async () => {
    const tables = await w.db.execute("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'");
    expect(Number(tables.rows[0]?.n)).toBeGreaterThanOrEqual(17);
    const check = await w.db.execute('PRAGMA integrity_check');
    expect(check.rows[0]?.[0]).toBe('ok');
    const me = await w.h.call('GET', '/v1/me', { token: fx.reader.token });
    expect(me.status).toBe(200);
  });
});
