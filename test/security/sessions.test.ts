/** @module Session fixation, session reuse after sign-out, and sign-in timing for known vs unknown emails. */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('sign-in timing', () => {
  it('answers an unknown email like a known one, in about the same time', async () => {
    const known: Reader[] = [];
    for (let i = 0; i < 15; i += 1) known.push(await signUp(w));
    const sessionsBefore = await count(w, 'sessions');
    const attempt = async (email: string) => {
      const started = performance.now();
      const res = await w.h.call('POST', '/v1/sessions', { body: { email, password: 'wrong password!' } });
      const ms = performance.now() - started;
      expect(res.status).toBe(401);
      return { ms, detail: String(res.json.detail), code: String(res.json.code) };
    };
    await attempt(uniqueEmail('warmup'));
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    const answers = new Set<string>();
    for (const reader of known) {
      const a = await attempt(reader.email);
      const b = await attempt(uniqueEmail('nobody'));
      knownTimes.push(a.ms);
      unknownTimes.push(b.ms);
      answers.add(`${a.code} ${a.detail}`).add(`${b.code} ${b.detail}`);
    }
    expect(answers.size).toBe(1);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
    const ratio = median(knownTimes) / median(unknownTimes);
    expect(ratio, `known ${median(knownTimes)} ms vs unknown ${median(unknownTimes)} ms`).toBeGreaterThan(
      0.5,
    );
    expect(ratio).toBeLessThan(2);
    expect(await count(w, 'sessions')).toBe(sessionsBefore);
  });
});
