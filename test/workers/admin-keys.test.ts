/** @module Admin keys in workerd + D1: create → works → support is read-only → revoke → 401, audited. */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { auditCount, auditRowsFor, expectProblem, newAdminKey } from './admin-helpers';
import { adminKey, call, countRows, signUp } from './helpers';

describe('admin keys', () => {
  it('lives through create, use, read-only support, revoke', async () => {
    const created = await call('POST', '/v1/admin/keys', {
      token: adminKey(),
      body: { name: 'Support desk', role: 'support' },
    });
    expect(created.status, created.text).toBe(201);
    const support = created.json.api_key as string;
    expect(support).toMatch(/^ak_test_[A-Za-z0-9_-]{43}$/);
    expect(created.json.key).toEqual({
      id: expect.stringMatching(/^adk_[a-z2-7]{20}$/),
      name: 'Support desk',
      role: 'support',
      key_prefix: support.slice(0, 16),
      created_at: expect.stringMatching(/Z$/),
      revoked_at: null,
    });
    // Only the hash is stored.
    const stored = await env.DB.prepare('SELECT * FROM admin_keys WHERE id = ?')
      .bind(created.json.key.id)
      .first<Record<string, unknown>>();
    expect(JSON.stringify(stored)).not.toContain(support);

    // Support reads, but every mutation is 403 and changes nothing.
    const { reader } = await signUp();
    expect((await call('GET', '/v1/admin/members?limit=1', { token: support })).status).toBe(200);
    expect((await call('GET', `/v1/admin/members/${reader.id}`, { token: support })).status).toBe(200);
    const audits = await auditCount();
    const keys = await countRows('admin_keys');
    expectProblem(
      await call('POST', '/v1/admin/keys', { token: support, body: { name: 'escalate', role: 'admin' } }),
      403,
      'forbidden',
    );
    expectProblem(
      await call('POST', `/v1/admin/members/${reader.id}/trial`, {
        token: support,
        body: { ends_at: '2020-01-01T00:00:00Z' },
      }),
      403,
      'forbidden',
    );
    expectProblem(
      await call('DELETE', `/v1/admin/keys/${created.json.key.id}`, { token: support }),
      403,
      'forbidden',
    );
    expect(await countRows('admin_keys')).toBe(keys);
    expect(await auditCount()).toBe(audits);

    // An admin key made through the API acts, and is named in the audit log.
    const second = await newAdminKey('admin', 'Ops');
    const trial = await call('POST', `/v1/admin/members/${reader.id}/trial`, {
      token: second.apiKey,
      body: { ends_at: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(trial.status, trial.text).toBe(200);
    expect((await auditRowsFor(reader.id))[0]?.actor_key_id).toBe(second.id);

    const list = await call('GET', '/v1/admin/keys', { token: support });
    expect(list.status).toBe(200);
    expect(list.json.data.map((k: { id: string }) => k.id)).toEqual(
      expect.arrayContaining([created.json.key.id, second.id]),
    );
    expect(list.text).not.toContain(support);

    // Revoked: stops at once; revoking again changes nothing; the audit row shows before/after.
    const revoked = await call('DELETE', `/v1/admin/keys/${created.json.key.id}`, { token: second.apiKey });
    expect(revoked.status, revoked.text).toBe(204);
    expectProblem(await call('GET', '/v1/admin/members', { token: support }), 401, 'unauthenticated');
    expect(
      (await call('DELETE', `/v1/admin/keys/${created.json.key.id}`, { token: adminKey() })).status,
    ).toBe(204);
    const rows = await auditRowsFor(created.json.key.id);
    expect(rows.map((r) => r.action)).toEqual(['admin_key.create', 'admin_key.revoke']);
    const after = JSON.parse(rows[1]?.after ?? '{}');
    expect(after).toMatchObject({ id: created.json.key.id, role: 'support', revoked_at: expect.any(String) });
    expect(JSON.parse(rows[1]?.before ?? '{}').revoked_at).toBeNull();
    for (const row of rows) expect(JSON.stringify(row)).not.toMatch(/key_hash|ak_test_[A-Za-z0-9_-]{43}/);
    const listed = await call('GET', '/v1/admin/keys?limit=100', { token: adminKey() });
    const entry = listed.json.data.find((k: { id: string }) => k.id === created.json.key.id);
    expect(entry.revoked_at).toEqual(expect.any(String));
  });

  it('refuses bad input, unknown ids and the bootstrap key, writing nothing', async () => {
    const audits = await auditCount();
    const keys = await countRows('admin_keys');
    for (const body of [
      {},
      { name: '', role: 'admin' },
      { name: 'x', role: 'owner' },
      { name: 'x'.repeat(101), role: 'admin' },
    ]) {
      expectProblem(
        await call('POST', '/v1/admin/keys', { token: adminKey(), body }),
        400,
        'invalid_request',
      );
    }
    expectProblem(
      await call('DELETE', '/v1/admin/keys/adk_aaaaaaaaaaaaaaaaaaaa', { token: adminKey() }),
      404,
      'not_found',
    );
    expectProblem(await call('DELETE', '/v1/admin/keys/bootstrap', { token: adminKey() }), 409, 'conflict');
    expect((await call('GET', '/v1/admin/keys', { token: adminKey() })).status).toBe(200);
    expect(await countRows('admin_keys')).toBe(keys);
    expect(await auditCount()).toBe(audits);
  });

  it('pages the key list with a cursor', async () => {
    for (let i = 0; i < 3; i++) await newAdminKey('support', `pager ${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof call>> = await call(
        'GET',
        `/v1/admin/keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: adminKey() },
      );
      expect(res.status).toBe(200);
      seen.push(...res.json.data.map((k: { id: string }) => k.id));
      cursor = res.json.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await countRows('admin_keys'));
  });
});
