import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, type NodeDoor, startNodeDoor } from '../support/node-door';

let h: NodeDoor;
let publisher: { id: string; key: string };

beforeAll(async () => {
  h = await startNodeDoor();
  const created = await h.call('POST', '/v1/admin/publishers', {
    token: h.env.ADMIN_API_KEY,
    body: { name: 'Node Times', origins: ['https://node-times.example'] },
  });
  publisher = { id: created.json.publisher.id, key: created.json.api_key };
});
afterAll(() => h.close());

async function code(): Promise<string> {
  const signUp = await h.call('POST', '/v1/readers', {
    body: { email: `r.${Math.random().toString(36).slice(2)}@example.com`, password: 'pass phrase 1' },
  });
  const cookie = (signUp.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const query = new URLSearchParams({ publisher: publisher.id, return_to: 'https://node-times.example/a' });
  const res = await h.app.request(`${BASE}/access?${query}`, { headers: { cookie } });
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location') ?? '').searchParams.get('paywall_code') ?? '';
}

describe('access codes on libSQL (the Node door)', () => {
  it('lets exactly one of several concurrent exchanges of a code succeed', async () => {
    const c = await code();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        h.call('POST', '/v1/access/exchange', { token: publisher.key, body: { code: c } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400, 400, 400]);
  });

  it('stops the old key at once when the key is rotated', async () => {
    const c = await code();
    const rotated = await h.call('POST', `/v1/admin/publishers/${publisher.id}/rotate-key`, {
      token: h.env.ADMIN_API_KEY,
    });
    expect(rotated.status).toBe(200);
    const old = await h.call('POST', '/v1/access/exchange', { token: publisher.key, body: { code: c } });
    expect(old.status).toBe(401);
    publisher.key = rotated.json.api_key;
    const fresh = await h.call('POST', '/v1/access/exchange', { token: publisher.key, body: { code: c } });
    expect(fresh.status).toBe(200);
  });
});
