/** @module Session fixation, session reuse after sign-out, and the same sign-in work for known and unknown emails. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BASE } from '../support/node-door';
import {
  cookiesOf,
  count,
  mergeCookies,
  PASSWORD,
  type Reader,
  raw,
  signUp,
  startWorld,
  unchanged,
  uniqueEmail,
  type World,
} from './world';

const SESSION = '__Host-onepass_session';
let w: World;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.close());

const sessionOf = (cookie: string) => new RegExp(`${SESSION}=([^;]+)`).exec(cookie)?.[1];

/** Signs in through the `/login` page form, from a browser that already holds `cookie`. */
async function pageLogin(email: string, cookie: string) {
  const page = await raw(w, '/login', { headers: { cookie } });
  expect(page.status, page.text).toBe(200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const jar = mergeCookies(cookie, cookiesOf(page.headers));
  const res = await raw(w, '/login', {
    method: 'POST',
    headers: { cookie: jar, origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: PASSWORD, csrf }).toString(),
  });
  return { res, jar };
}

describe('session fixation', () => {
  it('a session cookie planted before sign-in is not adopted; sign-in issues a fresh token', async () => {
    const victim = await signUp(w);
    const planted = 'attacker-chosen-session-value-0123456789abcdef';
    const { res } = await pageLogin(victim.email, `${SESSION}=${planted}`);
    expect(res.status, res.text).toBe(303);
    const issued = sessionOf(cookiesOf(res.headers));
    expect(issued).toBeDefined();
    expect(issued).not.toBe(planted);
    const withPlanted = await w.h.call('GET', '/v1/me', { token: planted });
    expect(withPlanted.status).toBe(401);
    const withIssued = await w.h.call('GET', '/v1/me', { headers: { cookie: `${SESSION}=${issued}` } });
    expect(withIssued.json.reader.id).toBe(victim.id);
  });

  it("an attacker's own valid session planted in the victim's browser is replaced, never bound to the victim", async () => {
    const attacker = await signUp(w);
    const victim = await signUp(w);
    const attackerToken = sessionOf(attacker.cookie) ?? '';
    const res = await w.h.call('POST', '/v1/sessions', {
      body: { email: victim.email, password: PASSWORD },
      headers: { cookie: `${SESSION}=${attackerToken}` },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.session_token).not.toBe(attackerToken);
    expect(sessionOf(cookiesOf(res.headers))).toBe(res.json.session_token);
    const me = await w.h.call('GET', '/v1/me', { token: attackerToken });
    expect(me.json.reader.id).toBe(attacker.id);
  });

  it('every API sign-in issues a new session token', async () => {
    const reader = await signUp(w);
    const tokens = new Set<string>([reader.token]);
    for (let i = 0; i < 3; i += 1) {
      const res = await w.h.call('POST', '/v1/sessions', {
        body: { email: reader.email, password: PASSWORD },
        headers: { cookie: reader.cookie },
      });
      expect(res.status, res.text).toBe(200);
      tokens.add(res.json.session_token);
      expect(sessionOf(cookiesOf(res.headers))).toBe(res.json.session_token);
    }
    expect(tokens.size).toBe(4);
  });
});

describe('session reuse after sign-out', () => {
  async function expectDead(reader: Reader, token: string) {
    await unchanged(w, async () => {
      expect((await w.h.call('GET', '/v1/me', { token })).status).toBe(401);
      expect((await w.h.call('GET', '/v1/me', { headers: { cookie: `${SESSION}=${token}` } })).status).toBe(
        401,
      );
      expect((await w.h.call('DELETE', '/v1/sessions/current', { token })).status).toBe(401);
      const ask = await w.h.call('POST', '/v1/me/entitlement-token', { token, body: { publisher: 'pub_x' } });
      expect(ask.status).toBe(401);
      const account = await raw(w, '/account', { headers: { cookie: `${SESSION}=${token}` } });
      expect(account.status).toBe(303);
      expect(account.text).not.toContain(reader.email);
    });
  }

  it('DELETE /v1/sessions/current ends the session for good', async () => {
    const reader = await signUp(w);
    const res = await w.h.call('DELETE', '/v1/sessions/current', { token: reader.token });
    expect(res.status).toBe(204);
    await expectDead(reader, reader.token);
  });

  it('signing out through the page ends the session for good', async () => {
    const reader = await signUp(w);
    const page = await raw(w, '/account', { headers: { cookie: reader.cookie } });
    const csrf = /action="\/logout"[\s\S]*?name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const jar = mergeCookies(reader.cookie, cookiesOf(page.headers));
    const out = await raw(w, '/logout', {
      method: 'POST',
      headers: { cookie: jar, origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
    });
    expect(out.status, out.text).toBe(303);
    await expectDead(reader, reader.token);
  });
});

describe('sign-in work', () => {
  it('answers an unknown email like a known one, after the same key-derivation work', async () => {
    const known: Reader[] = [];
    for (let i = 0; i < 5; i += 1) known.push(await signUp(w));
    const sessionsBefore = await count(w, 'sessions');
    // Counts the PBKDF2 derivations the service asks the platform for (the calls go through).
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const attempt = async (email: string) => {
      derive.mockClear();
      const res = await w.h.call('POST', '/v1/sessions', { body: { email, password: 'wrong password!' } });
      expect(res.status).toBe(401);
      const iterations = derive.mock.calls.map(
        ([algorithm]) => (algorithm as { iterations: number }).iterations,
      );
      return { iterations, answer: `${res.json.code} ${res.json.detail}` };
    };
    try {
      await attempt(uniqueEmail('warmup'));
      for (const reader of known) {
        const a = await attempt(reader.email);
        const b = await attempt(uniqueEmail('nobody'));
        expect(a.iterations).toEqual([100_000]);
        expect(b.iterations).toEqual(a.iterations);
        expect(b.answer).toBe(a.answer);
      }
    } finally {
      derive.mockRestore();
    }
    expect(await count(w, 'sessions')).toBe(sessionsBefore);
  });
});
