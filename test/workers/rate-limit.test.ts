import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config';
import type { AppContext } from '../../src/app/context';
import { consoleLogger } from '../../src/app/logger';
import { d1Db } from '../../src/db/client';
import { enforce, take } from '../../src/features/limits';
import { call, signUp } from './helpers';

async function context(overrides: Record<string, string> = {}): Promise<AppContext> {
  const config = await loadConfig({ ...env, ...overrides });
  return { config, db: d1Db(env.DB), now: () => new Date(), logger: consoleLogger({}, 'silent') };
}

describe('the D1-backed limiter', () => {
  it('counts per subject in a fixed window and refuses past the count with Retry-After', async () => {
    const ctx = await context({ LIMIT_SIGNUPS: '3/1h' });
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 3; i++) expect((await take(ctx, 'signups', ip)).allowed).toBe(true);
    const refused = await take(ctx, 'signups', ip);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect(refused.retryAfter).toBeLessThanOrEqual(3600);
    expect((await take(ctx, 'signups', `${ip}1`)).allowed).toBe(true);
    await expect(enforce(ctx, 'signups', ip)).rejects.toMatchObject({ code: 'rate_limited', status: 429 });
  });

  it('stores only hashes of the subjects', async () => {
    const ctx = await context();
    await take(ctx, 'signinFailures', 'someone@example.com');
    const rows = await env.DB.prepare("SELECT key FROM rate_limits WHERE key LIKE 'signinFailures:%'").all<{
      key: string;
    }>();
    for (const row of rows.results) expect(row.key).not.toContain('someone');
  });
});

describe('the Workers rate-limiting binding', () => {
  it('is used for a limit it is bound to (here 3 per minute) instead of the database', async () => {
    const ctx: AppContext = {
      ...(await context()),
      rateLimitBindings: { publisherCalls: env.TEST_RATE_LIMITER },
    };
    const key = `ppk_test_${Math.random()}`;
    const before = await env.DB.prepare('SELECT count(*) AS n FROM rate_limits').first<{ n: number }>();
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push((await take(ctx, 'publisherCalls', key)).allowed);
    expect(verdicts.slice(0, 3)).toEqual([true, true, true]);
    expect(verdicts.slice(3)).toEqual([false, false]);
    const after = await env.DB.prepare('SELECT count(*) AS n FROM rate_limits').first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });
});

describe('sign-in failures per account (HTTP, default 10 per 15 min)', () => {
  it('answers 429 with Retry-After after 10 failures, even for the right password, and for unknown emails alike', async () => {
    const { email, password } = await signUp();
    for (let i = 0; i < 10; i++) {
      expect(
        (await call('POST', '/v1/sessions', { body: { email, password: `wrong password ${i}` } })).status,
      ).toBe(401);
    }
    const locked = await call('POST', '/v1/sessions', { body: { email, password } });
    expect(locked.status).toBe(429);
    expect(locked.json.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);

    const ghost = `ghost.${Date.now()}@example.com`;
    for (let i = 0; i < 10; i++)
      await call('POST', '/v1/sessions', { body: { email: ghost, password: 'whatever pw' } });
    expect(
      (await call('POST', '/v1/sessions', { body: { email: ghost, password: 'whatever pw' } })).status,
    ).toBe(429);
  });
});
