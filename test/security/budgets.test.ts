/**
 * @module Limits that hold under concurrency (Node door, libSQL file, over real sockets): N guesses
 * at once never get more passwords checked than the per-account budget, whichever endpoint checks
 * the password; per-IP and reset limits hold the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeDoor, serveNodeDoor, startNodeDoor } from '../support/node-door';

let door: NodeDoor;
let server: { url: string; close(): Promise<void> };
beforeAll(async () => {
  door = await startNodeDoor({
    LOG_LEVEL: 'silent',
    TRUST_PROXY: 'false',
    LIMIT_SIGNIN_IP: '100000/15m',
    LIMIT_SIGNUPS: '100000/1h',
    LIMIT_PASSWORD_RESETS_IP: '100000/1h',
  });
  server = await serveNodeDoor(door);
});
afterAll(async () => {
  await server.close();
  door.close();
});

async function post(path: string, body: unknown, token?: string, method = 'POST') {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

let n = 0;
async function account(): Promise<{ email: string; token: string }> {
  n += 1;
  const email = `budget.${n}.${Math.random().toString(36).slice(2, 8)}@example.com`;
  const res = await fetch(`${server.url}/v1/readers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'the right password' }),
  });
  const json = (await res.json()) as { session_token: string };
  return { email, token: json.session_token };
}

const tally = (statuses: number[]) => ({
  checked: statuses.filter((s) => s === 401).length,
  refused: statuses.filter((s) => s === 429).length,
});

describe('the per-account sign-in budget (10 per 15 min) under concurrent guesses', () => {
  it.each([10, 40, 200])('checks at most 10 passwords of %i concurrent wrong guesses', async (guesses) => {
    const { email } = await account();
    const statuses = await Promise.all(
      Array.from({ length: guesses }, (_, i) =>
        post('/v1/sessions', { email, password: `wrong guess ${i}` }),
      ),
    );
    const { checked, refused } = tally(statuses);
    expect(checked).toBe(Math.min(guesses, 10));
    expect(checked + refused).toBe(guesses);
    // The budget is spent: even the right password is refused, and nothing was checked for it.
    expect(await post('/v1/sessions', { email, password: 'the right password' })).toBe(429);
  });

  it('gives the unit of a right password back: successes never lock an account', async () => {
    const { email } = await account();
    for (let i = 0; i < 25; i++)
      expect(await post('/v1/sessions', { email, password: 'the right password' })).toBe(200);
  });
});

describe('account deletion spends the same budget (no password oracle)', () => {
  it('30 wrong passwords check only 10, and then the right one deletes nothing', async () => {
    const { email, token } = await account();
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => post('/v1/me', { password: `wrong ${i}` }, token, 'DELETE')),
    );
    expect(tally(statuses)).toEqual({ checked: 10, refused: 20 });
    expect(await post('/v1/me', { password: 'the right password' }, token, 'DELETE')).toBe(429);
    const me = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    // Sign-in and deletion share one budget: it is spent for sign-in too.
    expect(await post('/v1/sessions', { email, password: 'the right password' })).toBe(429);
  });

  it('failed sign-ins spend the budget that deletion then finds spent', async () => {
    const { email, token } = await account();
    const statuses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => post('/v1/sessions', { email, password: `wrong password ${i}` })),
    );
    expect(tally(statuses)).toEqual({ checked: 10, refused: 2 });
    expect(await post('/v1/me', { password: 'the right password' }, token, 'DELETE')).toBe(429);
  });
});

describe('per-IP and reset limits under concurrency', () => {
  it('lets exactly the limit of concurrent sign-ups from one address through', async () => {
    const limited = await startNodeDoor({ LOG_LEVEL: 'silent', TRUST_PROXY: 'false', LIMIT_SIGNUPS: '5/1h' });
    const limitedServer = await serveNodeDoor(limited);
    try {
      const statuses = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const res = await fetch(`${limitedServer.url}/v1/readers`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: `ip.${i}.${Date.now()}@example.com`, password: 'pass phrase 1' }),
          });
          await res.arrayBuffer();
          return res.status;
        }),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    } finally {
      await limitedServer.close();
      limited.close();
    }
  });

  it('answers at most the limit of concurrent reset requests for one account', async () => {
    const { email } = await account();
    const statuses = await Promise.all(
      Array.from({ length: 25 }, () => post('/v1/password-resets', { email })),
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });
});
