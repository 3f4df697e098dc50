import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let h: NodeDoor;
beforeAll(async () => {
  h = await startNodeDoor({ LIMIT_SIGNUPS: '3/1h', LIMIT_SIGNIN_IP: '5/15m' });
});
afterAll(() => h.close());

const from = (ip: string) => ({ 'x-forwarded-for': ip });

describe('per-IP limits on the Node door (database-backed limiter)', () => {
  it('refuses the fourth sign-up from one address in an hour with 429, Retry-After, and no row written', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await h.call('POST', '/v1/readers', {
        body: { email: `ip${i}@example.com`, password: 'pass phrase 1' },
        headers: from('192.0.2.10'),
      });
      expect(res.status).toBe(201);
    }
    const refused = await h.call('POST', '/v1/readers', {
      body: { email: 'ip3@example.com', password: 'pass phrase 1' },
      headers: from('192.0.2.10'),
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.json.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const signIn = await h.call('POST', '/v1/sessions', {
      body: { email: 'ip3@example.com', password: 'pass phrase 1' },
    });
    expect(signIn.status).toBe(401);

    const elsewhere = await h.call('POST', '/v1/readers', {
      body: { email: 'ip3@example.com', password: 'pass phrase 1' },
      headers: from('192.0.2.11'),
    });
    expect(elsewhere.status).toBe(201);
  });

  it('limits sign-in attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await h.call('POST', '/v1/sessions', {
        body: { email: `nobody${i}@example.com`, password: 'pass phrase 1' },
        headers: from('192.0.2.20'),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe('password reset requests', () => {
  it('are limited per account (known or not) with 429 and Retry-After', async () => {
    const limited = await startNodeDoor({ LIMIT_PASSWORD_RESETS: '2/1h' });
    try {
      for (const email of ['someone@example.com', 'nobody-here@example.com']) {
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) {
          statuses.push((await limited.call('POST', '/v1/password-resets', { body: { email } })).status);
        }
        expect(statuses).toEqual([202, 202, 429]);
      }
      const refused = await limited.call('POST', '/v1/password-resets', {
        body: { email: 'SOMEONE@example.com' },
      });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      limited.close();
    }
  });
});

describe('publisher calls and /access', () => {
  it('limit calls per publisher key, and /access per address', async () => {
    const limited = await startNodeDoor({ LIMIT_PUBLISHER_CALLS: '3/1m', LIMIT_ACCESS_IP: '2/1m' });
    try {
      const created = await limited.call('POST', '/v1/admin/publishers', {
        token: limited.env.ADMIN_API_KEY,
        body: { name: 'Limited Daily', origins: ['https://limited.example'] },
      });
      const key: string = created.json.api_key;
      const other = await limited.call('POST', '/v1/admin/publishers', {
        token: limited.env.ADMIN_API_KEY,
        body: { name: 'Other Daily', origins: ['https://other.example'] },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await limited.call('POST', '/v1/tokens/introspect', { token: key, body: { token: 'x.y.z' } }))
            .status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      // Another publisher's key has its own allowance.
      const fine = await limited.call('POST', '/v1/tokens/introspect', {
        token: other.json.api_key,
        body: { token: 'x.y.z' },
      });
      expect(fine.status).toBe(200);

      const access = `/access?publisher=${created.json.publisher.id}&return_to=${encodeURIComponent('https://limited.example/a')}`;
      const accessStatuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        accessStatuses.push(
          (await limited.call('GET', access, { headers: { 'x-forwarded-for': '192.0.2.30' } })).status,
        );
      }
      expect(accessStatuses.slice(0, 2).every((s) => s !== 429)).toBe(true);
      expect(accessStatuses[2]).toBe(429);
    } finally {
      limited.close();
    }
  });
});
