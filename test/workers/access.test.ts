import { env, SELF } from 'cloudflare:test';
import { createEntitlementVerifier } from '@onepass/verify';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminKey, BASE, call, countRows, createPublisher, signUp } from './helpers';

const ORIGIN = 'https://daily.example';
const ARTICLE_URL = `${ORIGIN}/2026/11/night-buses?ref=home`;

let publisher: { id: string; key: string };
let other: { id: string; key: string };

beforeAll(async () => {
  const daily = await createPublisher('The Daily Example', [ORIGIN]);
  const gazette = await createPublisher('The Other Gazette', ['https://gazette.example']);
  publisher = { id: daily.publisher.id, key: daily.api_key };
  other = { id: gazette.publisher.id, key: gazette.api_key };
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A signed-in reader (on the free trial) as a browser would carry them: the session cookie. */
async function reader() {
  const signed = await signUp();
  const cookie = (signed.res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { ...signed, cookie };
}

async function access(query: Record<string, string>, cookie?: string) {
  const res = await SELF.fetch(`${BASE}/access?${new URLSearchParams(query)}`, {
    headers: cookie ? { cookie } : {},
    redirect: 'manual',
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Signs in a reader and follows `/access` to the code the publisher page receives. */
async function codeFor(
  query: Record<string, string> = {},
  who?: Awaited<ReturnType<typeof reader>>,
): Promise<{ code: string; who: Awaited<ReturnType<typeof reader>> }> {
  const signedIn = who ?? (await reader());
  const res = await access({ publisher: publisher.id, return_to: ARTICLE_URL, ...query }, signedIn.cookie);
  expect(res.status).toBe(303);
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('paywall_code');
  if (!code) throw new Error('no code');
  return { code, who: signedIn };
}

function exchange(code: string, key: string, body: Record<string, unknown> = {}) {
  return call('POST', '/v1/access/exchange', { token: key, body: { code, ...body } });
}

describe('GET /access refuses every return_to outside the publisher’s origins (400, no redirect)', () => {
  const refused: Array<[string, string]> = [
    ['userinfo', 'https://daily.example@evil.example/'],
    ['another site', 'https://evil.example/'],
    ['a look-alike host', 'https://daily.example.evil.example/'],
    ['scheme-relative', '//evil.example/'],
    ['backslashes', 'https:\\\\evil.example/'],
    ['a backslash in the path', 'https://daily.example\\@evil.example/'],
    ['an encoded slash in the authority', 'https://daily.example%2F@evil.example/'],
    ['an encoded backslash in the authority', 'https://daily.example%5C.evil.example/'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['another port', 'https://daily.example:8443/'],
    ['http instead of https', 'http://daily.example/'],
    ['a tab inside the host', 'https://daily.ex\tample/'],
    ['a newline', 'https://daily.example/\nLocation: https://evil.example/'],
    ['a leading space', ' https://daily.example/'],
    ['a relative path', '/2026/11/night-buses'],
    ['nothing', ''],
  ];

  for (const [name, returnTo] of refused) {
    it(`refuses ${name}`, async () => {
      const { cookie } = await reader();
      const res = await access({ publisher: publisher.id, return_to: returnTo }, cookie);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).toContain('This link cannot be used');
    });
  }

  it('refuses an unknown or malformed publisher', async () => {
    const { cookie } = await reader();
    for (const id of ['pub_aaaaaaaaaaaaaaaaaaaa', 'pub_x', '', 'rdr_aaaaaaaaaaaaaaaaaaaa']) {
      const res = await access({ publisher: id, return_to: ARTICLE_URL }, cookie);
      expect(res.status, id).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('refuses a missing return_to and an overlong one', async () => {
    const { cookie } = await reader();
    const missing = await SELF.fetch(`${BASE}/access?publisher=${publisher.id}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('location')).toBeNull();
    const long = await access(
      { publisher: publisher.id, return_to: `${ORIGIN}/${'a'.repeat(3000)}` },
      cookie,
    );
    expect(long.status).toBe(400);
  });

  it("accepts the same origin written differently (case, default port) and keeps the publisher's query", async () => {
    const { cookie } = await reader();
    const res = await access(
      { publisher: publisher.id, return_to: 'HTTPS://Daily.Example:443/a?b=%20c&d' },
      cookie,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(
      /^https:\/\/daily\.example\/a\?b=%20c&d&paywall_code=[A-Za-z0-9_-]{43}$/,
    );
  });
});

describe('GET /access for a signed-in, entitled reader', () => {
  it('answers 303 to return_to with a one-time code, stored only as a hash', async () => {
    const { cookie } = await reader();
    const res = await access({ publisher: publisher.id, return_to: ARTICLE_URL }, cookie);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${ORIGIN}/2026/11/night-buses`);
    expect(location.searchParams.get('ref')).toBe('home');
    const code = location.searchParams.get('paywall_code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const stored = await env.DB.prepare('SELECT count(*) AS n FROM access_codes WHERE code_hash = ?')
      .bind(code)
      .first<{ n: number }>();
    expect(stored?.n).toBe(0);
  });

  it('replaces a paywall_code already in return_to instead of adding a second one', async () => {
    const { cookie } = await reader();
    const res = await access(
      { publisher: publisher.id, return_to: `${ORIGIN}/a?paywall_code=old&x=1` },
      cookie,
    );
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.getAll('paywall_code')).toHaveLength(1);
    expect(location.searchParams.get('paywall_code')).not.toBe('old');
    expect(location.searchParams.get('x')).toBe('1');
  });
});

describe('POST /v1/access/exchange', () => {
  it('exchanges a code once for the token POST /v1/me/entitlement-token gives', async () => {
    const { code, who } = await codeFor();
    const first = await exchange(code, publisher.key);
    expect(first.status).toBe(200);
    expect(first.json.article).toBeNull();
    const verifier = createEntitlementVerifier({
      issuer: BASE,
      publisherId: publisher.id,
      fetch: (input, init) => SELF.fetch(input instanceof Request ? input : String(input), init),
    });
    const claims = await verifier.verify(first.json.token);
    expect(claims).toMatchObject({ aud: publisher.id, iss: BASE, membership: 'trial', scope: 'full_text' });
    expect(Date.parse(first.json.expires_at) / 1000).toBe(claims.exp);
    const direct = await call('POST', '/v1/me/entitlement-token', {
      token: who.token,
      body: { publisher: publisher.id },
    });
    expect((await verifier.verify(direct.json.token)).sub).toBe(claims.sub);
  });

  it('refuses a code used twice, and logs the replay as a warning', async () => {
    const warn = vi.spyOn(console, 'warn');
    const { code } = await codeFor();
    expect((await exchange(code, publisher.key)).status).toBe(200);
    const again = await exchange(code, publisher.key);
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    expect(again.json).toMatchObject({ code: 'invalid_request', errors: [{ path: 'code' }] });
    const logged = warn.mock.calls
      .map((args) => String(args[0]))
      .find((l) => l.includes('access code refused'));
    expect(logged).toContain('already_used');
  });

  it("refuses another publisher's code (without spending it) and answers exactly as for any bad code", async () => {
    const { code } = await codeFor();
    const foreign = await exchange(code, other.key);
    const unknown = await exchange('x'.repeat(43), other.key);
    expect(foreign.status).toBe(400);
    const { request_id: _a, ...foreignBody } = foreign.json;
    const { request_id: _b, ...unknownBody } = unknown.json;
    expect(foreignBody).toEqual(unknownBody);
    expect((await exchange(code, publisher.key)).status).toBe(200);
  });

  it('refuses a code older than 60 seconds', async () => {
    const { code, who } = await codeFor();
    await env.DB.prepare(
      'UPDATE access_codes SET created_at = created_at - 61, expires_at = expires_at - 61 WHERE reader_id = ?',
    )
      .bind(who.reader.id)
      .run();
    const res = await exchange(code, publisher.key);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('invalid_request');
  });

  it('binds a code to its article when one was given', async () => {
    const { code: forA } = await codeFor({ article: 'night-buses' });
    expect((await exchange(forA, publisher.key, { article: 'bridge' })).status).toBe(400);
    const { code } = await codeFor({ article: 'night-buses' });
    const ok = await exchange(code, publisher.key, { article: 'night-buses' });
    expect(ok.status).toBe(200);
    expect(ok.json.article).toBe('night-buses');
    const [, payload] = String(ok.json.token).split('.');
    expect(JSON.parse(atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/'))).article).toBe(
      'night-buses',
    );
  });

  it('checks the entitlement again at exchange time: 402 once the trial has ended', async () => {
    const { code, who } = await codeFor();
    const ended = await call('POST', `/v1/admin/members/${who.reader.id}/trial`, {
      token: adminKey(),
      body: { ends_at: new Date(Date.now() - 1000).toISOString() },
    });
    expect(ended.status).toBe(200);
    const res = await exchange(code, publisher.key);
    expect(res.status).toBe(402);
    expect(res.json).toMatchObject({ code: 'not_entitled', reason: 'trial_expired' });
  });

  it('refuses a code whose session has since signed out', async () => {
    const { code, who } = await codeFor();
    expect((await call('DELETE', '/v1/sessions/current', { token: who.token })).status).toBe(204);
    expect((await exchange(code, publisher.key)).status).toBe(400);
  });

  it('needs a publisher key: none, a malformed one or an admin key is 401', async () => {
    const { code } = await codeFor();
    for (const key of [undefined, 'ppk_test_nope', `ppk_test_${'a'.repeat(43)}`, adminKey()]) {
      const res = await call('POST', '/v1/access/exchange', { token: key, body: { code } });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('unauthenticated');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await exchange(code, publisher.key)).status).toBe(200);
  });

  it('validates the body as JSON', async () => {
    expect((await exchange('short', publisher.key)).status).toBe(400);
    const form = await call('POST', '/v1/access/exchange', {
      token: publisher.key,
      rawBody: 'code=abc',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
  });
});

describe('GET /access for everyone else', () => {
  it('shows a reader who is not signed in the sign-up page, naming the publisher, with a way to sign in', async () => {
    const res = await access({ publisher: publisher.id, return_to: ARTICLE_URL, article: 'night-buses' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('You came from <strong>The Daily Example</strong>');
    expect(res.text).toContain('action="/signup"');
    const next = /name="next" value="([^"]+)"/.exec(res.text)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(next.startsWith('/access?')).toBe(true);
    const query = new URLSearchParams(next.slice('/access?'.length));
    expect(query.get('publisher')).toBe(publisher.id);
    expect(query.get('return_to')).toBe(ARTICLE_URL);
    expect(query.get('article')).toBe('night-buses');
    expect(res.text).toContain(`href="/login?next=${encodeURIComponent(next).replace(/&/g, '&amp;')}"`);
    expect(res.headers.get('content-security-policy')).toContain(`form-action 'self' ${ORIGIN}`);
  });

  it('shows the sign-in page with screen=signin', async () => {
    const res = await access({ publisher: publisher.id, return_to: ARTICLE_URL, screen: 'signin' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('action="/login"');
    expect(res.text).toContain('The Daily Example');
  });

  it('shows a signed-in reader who is not entitled the subscribe page', async () => {
    const who = await reader();
    await call('POST', `/v1/admin/members/${who.reader.id}/trial`, {
      token: adminKey(),
      body: { ends_at: new Date(Date.now() - 1000).toISOString() },
    });
    const codes = await countRows('access_codes');
    const res = await access({ publisher: publisher.id, return_to: ARTICLE_URL }, who.cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Subscribe to OnePass');
    expect(res.text).toContain('The free trial has ended');
    expect(res.text).toContain('The Daily Example');
    expect(res.text).toContain('action="/subscribe"');
    expect(await countRows('access_codes')).toBe(codes);
  });

  it('with prompt=none, comes straight back with the reason instead of a page', async () => {
    const anonymous = await access({ publisher: publisher.id, return_to: ARTICLE_URL, prompt: 'none' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`${ARTICLE_URL}&paywall_error=login_required`);
    const who = await reader();
    await call('POST', `/v1/admin/members/${who.reader.id}/trial`, {
      token: adminKey(),
      body: { ends_at: new Date(Date.now() - 1000).toISOString() },
    });
    const lapsed = await access(
      { publisher: publisher.id, return_to: ARTICLE_URL, prompt: 'none' },
      who.cookie,
    );
    expect(lapsed.headers.get('location')).toBe(`${ARTICLE_URL}&paywall_error=not_entitled`);
  });
});

describe('POST /v1/admin/publishers/{id}/rotate-key', () => {
  it('returns a new key once; the old key stops working at once', async () => {
    const created = await createPublisher('Rotating Times', ['https://rotating.example']);
    const oldKey = created.api_key;
    const rotated = await call('POST', `/v1/admin/publishers/${created.publisher.id}/rotate-key`, {
      token: adminKey(),
    });
    expect(rotated.status).toBe(200);
    expect(rotated.json.api_key).toMatch(/^ppk_test_[A-Za-z0-9_-]{43}$/);
    expect(rotated.json.api_key).not.toBe(oldKey);
    expect(rotated.json.publisher.api_key_prefix).toBe(String(rotated.json.api_key).slice(0, 17));
    const bogus = { code: 'x'.repeat(43) };
    const withOld = await call('POST', '/v1/access/exchange', { token: oldKey, body: bogus });
    expect(withOld.status).toBe(401);
    const withNew = await call('POST', '/v1/access/exchange', { token: rotated.json.api_key, body: bogus });
    expect(withNew.status).toBe(400);
  });

  it('answers 404 for an unknown publisher and 401 without an admin key', async () => {
    const missing = await call('POST', '/v1/admin/publishers/pub_aaaaaaaaaaaaaaaaaaaa/rotate-key', {
      token: adminKey(),
    });
    expect(missing.status).toBe(404);
    const anonymous = await call('POST', `/v1/admin/publishers/${publisher.id}/rotate-key`);
    expect(anonymous.status).toBe(401);
  });

  it('is described in the OpenAPI document with the exchange', async () => {
    const doc = await call('GET', '/openapi.json');
    expect(doc.json.paths['/v1/admin/publishers/{id}/rotate-key'].post).toBeDefined();
    expect(doc.json.paths['/v1/access/exchange'].post.security).toEqual([{ publisherKey: [] }]);
    expect(doc.json.paths['/access'].get).toBeDefined();
    expect(doc.json.components.securitySchemes.publisherKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });
});
