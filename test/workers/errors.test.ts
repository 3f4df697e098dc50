import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminKey, BASE, call, countRows, signUp, uniqueEmail } from './helpers';

async function expectProblem(res: Awaited<ReturnType<typeof call>>, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
  expect(res.json.request_id).toMatch(/^req_[a-z2-7]{20}$/);
  expect(res.headers.get('x-request-id')).toBe(res.json.request_id);
  expect(res.text).not.toMatch(/at \w+ \(|SQLITE|select |insert into/i);
}

describe('bad input gets a 4xx problem+json and writes nothing', () => {
  const bad: Array<
    [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number, string]
  > = [
    ['missing fields', { body: {} }, 400, 'invalid_request'],
    ['missing password', { body: { email: 'a@example.com' } }, 400, 'invalid_request'],
    [
      '10 kB email',
      { body: { email: `${'a'.repeat(10_000)}@example.com`, password: 'long enough' } },
      400,
      'invalid_request',
    ],
    ['not an email', { body: { email: 'not-an-email', password: 'long enough' } }, 400, 'invalid_request'],
    ['short password', { body: { email: 'x@example.com', password: 'short' } }, 400, 'invalid_request'],
    [
      '257-char password',
      { body: { email: 'x@example.com', password: 'p'.repeat(257) } },
      400,
      'invalid_request',
    ],
    ['wrong types', { body: { email: 42, password: ['x'] } }, 400, 'invalid_request'],
    ['JSON array body', { body: [] }, 400, 'invalid_request'],
    [
      'malformed JSON',
      { rawBody: '{"email": "a@example.com", ', headers: { 'content-type': 'application/json' } },
      400,
      'invalid_request',
    ],
    [
      'wrong content type',
      {
        rawBody: 'email=a@example.com&password=longenough',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      415,
      'unsupported_media_type',
    ],
    [
      'text/plain JSON',
      {
        rawBody: '{"email":"a@example.com","password":"long enough"}',
        headers: { 'content-type': 'text/plain' },
      },
      415,
      'unsupported_media_type',
    ],
    [
      'oversized body',
      {
        rawBody: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(70_000) }),
        headers: { 'content-type': 'application/json' },
      },
      413,
      'payload_too_large',
    ],
  ];

  for (const [name, options, status, code] of bad) {
    it(`POST /v1/readers with ${name} → ${status} ${code}`, async () => {
      const readers = await countRows('readers');
      const memberships = await countRows('memberships');
      const sessions = await countRows('sessions');
      const res = await call('POST', '/v1/readers', options);
      await expectProblem(res, status, code);
      expect(await countRows('readers')).toBe(readers);
      expect(await countRows('memberships')).toBe(memberships);
      expect(await countRows('sessions')).toBe(sessions);
    });
  }

  it('lists each failing field with its path', async () => {
    const res = await call('POST', '/v1/readers', { body: { email: 'nope', password: 'short' } });
    await expectProblem(res, 400, 'invalid_request');
    const paths = res.json.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['email', 'password']);
  });

  it('holds Stripe webhooks to 1 MiB and every other API body to 64 KiB', async () => {
    const headers = { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' };
    const large = JSON.stringify({ id: 'evt_large', pad: 'x'.repeat(200_000) });
    // Under the webhook limit: it reaches the signature check, which refuses it.
    await expectProblem(
      await call('POST', '/v1/webhooks/stripe', { rawBody: large, headers }),
      400,
      'invalid_request',
    );
    const over = JSON.stringify({ id: 'evt_over', pad: 'x'.repeat(1024 * 1024) });
    await expectProblem(
      await call('POST', '/v1/webhooks/stripe', { rawBody: over, headers }),
      413,
      'payload_too_large',
    );
    await expectProblem(
      await call('POST', '/v1/readers', { rawBody: large, headers }),
      413,
      'payload_too_large',
    );
  });

  it('answers unknown routes with a 404 problem', async () => {
    await expectProblem(await call('GET', '/v1/nothing-here'), 404, 'not_found');
  });

  it('needs a session for the reader API', async () => {
    await expectProblem(await call('GET', '/v1/me'), 401, 'unauthenticated');
    await expectProblem(await call('GET', '/v1/me', { token: 'x'.repeat(43) }), 401, 'unauthenticated');
  });

  it('answers 404 for a token asked for an unknown publisher', async () => {
    const { token } = await signUp();
    const res = await call('POST', '/v1/me/entitlement-token', {
      token,
      body: { publisher: 'pub_aaaaaaaaaaaaaaaaaaaa' },
    });
    await expectProblem(res, 404, 'not_found');
  });

  it('refuses the admin API without a valid admin key, and to a reader session', async () => {
    const { token } = await signUp();
    const publishers = await countRows('publishers');
    for (const key of [undefined, 'malformed', 'ak_dev_wrongwrongwrongwrongwrongwrong', token]) {
      const res = await call('POST', '/v1/admin/publishers', {
        token: key,
        body: { name: 'Sneaky', origins: ['https://sneaky.example'] },
      });
      await expectProblem(res, 401, 'unauthenticated');
    }
    expect(await countRows('publishers')).toBe(publishers);
  });

  it('validates publisher origins', async () => {
    for (const origin of [
      'ftp://x.example',
      'https://x.example/path',
      'https://user:pw@x.example',
      'not a url',
    ]) {
      const res = await call('POST', '/v1/admin/publishers', {
        token: adminKey(),
        body: { name: 'Bad origin', origins: [origin] },
      });
      await expectProblem(res, 400, 'invalid_request');
    }
  });

  it('refuses a cross-site cookie-authenticated request', async () => {
    const { res } = await signUp(uniqueEmail());
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const answer = await SELF.fetch(`${BASE}/v1/sessions/current`, {
      method: 'DELETE',
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(answer.status).toBe(403);
    const me = await SELF.fetch(`${BASE}/v1/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
  });

  it('sets security headers on every answer', async () => {
    const res = await call('GET', '/.well-known/jwks.json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
