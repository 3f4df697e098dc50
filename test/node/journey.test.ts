import { createEntitlementVerifier } from '@onepass/verify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, type NodeHarness, startNodeHarness } from './harness';

let h: NodeHarness;
beforeAll(async () => {
  h = await startNodeHarness();
});
afterAll(() => h.close());

describe('the Node door on a libSQL file: the same journey', () => {
  it('signs up, issues a token and verifies it offline with the SDK against its own JWKS', async () => {
    const pub = await h.call('POST', '/v1/admin/publishers', {
      token: h.env.ADMIN_API_KEY,
      body: { name: 'Node Times', origins: ['https://node-times.example'] },
    });
    expect(pub.status).toBe(201);
    expect(pub.json.api_key).toMatch(/^ppk_test_[A-Za-z0-9_-]{43}$/);
    const publisherId: string = pub.json.publisher.id;

    const signUp = await h.call('POST', '/v1/readers', {
      body: { email: 'Node.Reader@Example.com', password: 'pass phrase 1' },
    });
    expect(signUp.status).toBe(201);
    expect(signUp.json.membership.status).toBe('trialing');
    expect(signUp.json.reader.email).toBe('Node.Reader@Example.com');

    const issued = await h.call('POST', '/v1/me/entitlement-token', {
      token: signUp.json.session_token,
      body: { publisher: publisherId },
    });
    expect(issued.status).toBe(200);

    const verifier = createEntitlementVerifier({
      issuer: BASE,
      publisherId,
      fetch: async (input, init) => h.app.request(input instanceof Request ? input : String(input), init),
    });
    const claims = await verifier.verify(issued.json.token);
    expect(claims).toMatchObject({ aud: publisherId, iss: BASE, membership: 'trial', scope: 'full_text' });

    const dup = await h.call('POST', '/v1/readers', {
      body: { email: 'node.reader+2@example.com', password: 'pass phrase 2' },
    });
    expect(dup.status).toBe(409);

    const ended = await h.call('POST', `/v1/admin/members/${signUp.json.reader.id}/trial`, {
      token: h.env.ADMIN_API_KEY,
      body: { ends_at: '2020-01-01T00:00:00Z' },
    });
    expect(ended.status).toBe(200);
    const denied = await h.call('POST', '/v1/me/entitlement-token', {
      token: signUp.json.session_token,
      body: { publisher: publisherId },
    });
    expect(denied.status).toBe(402);
    expect(denied.json.reason).toBe('trial_expired');
  });

  it('keeps one trial per person: an erased account leaves only the keyed hash, which still counts', async () => {
    const first = await h.call('POST', '/v1/readers', {
      body: { email: 'once@gmail.com', password: 'pass phrase 1' },
    });
    expect(first.json.membership.status).toBe('trialing');
    // What account deletion leaves behind (the deletion endpoint itself arrives with the admin API).
    await h.ctx.db.run(
      sql`UPDATE readers SET email = NULL, email_key = NULL, trial_identity = NULL, password_hash = NULL, deleted_at = unixepoch() WHERE id = ${first.json.reader.id}`,
    );
    const claims = await h.ctx.db.all<{ identity_hash: string }>(sql`SELECT identity_hash FROM trial_claims`);
    for (const row of claims) expect(row.identity_hash).not.toContain('once');

    const again = await h.call('POST', '/v1/readers', {
      body: { email: 'O.N.C.E+again@gmail.com', password: 'pass phrase 2' },
    });
    expect(again.status).toBe(201);
    expect(again.json.membership.status).toBe('expired');
    const me = await h.call('GET', '/v1/me', { token: again.json.session_token });
    expect(me.json.entitlement).toEqual({ entitled: false, reason: 'trial_expired', until: null });
  });

  it('stores passwords as self-describing PBKDF2-SHA256 hashes', async () => {
    await h.call('POST', '/v1/readers', { body: { email: 'hash@example.com', password: 'pass phrase 3' } });
    const rows = await h.ctx.db.all<{ password_hash: string }>(
      sql`SELECT password_hash FROM readers WHERE email_key = 'hash@example.com'`,
    );
    expect(rows[0]?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });
});
