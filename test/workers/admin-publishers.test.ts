/** @module Publisher upkeep by admins in workerd + D1: create, read, change, rotate — each audited once. */
import { describe, expect, it } from 'vitest';
import { auditCount, auditRowsFor, expectProblem } from './admin-helpers';
import { adminKey, call, createPublisher } from './helpers';

const admin = (method: string, path: string, body?: unknown) =>
  call(method, path, { token: adminKey(), body });

describe('admin publishers', () => {
  it('audits create, change and key rotation, never recording a key', async () => {
    const { publisher, api_key } = await createPublisher('Audit Argus', ['https://argus.example']);
    const got = await admin('GET', `/v1/admin/publishers/${publisher.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({
      id: publisher.id,
      name: 'Audit Argus',
      origins: ['https://argus.example'],
    });

    const patched = await admin('PATCH', `/v1/admin/publishers/${publisher.id}`, {
      origins: ['https://argus.example', 'https://www.argus.example/'],
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({
      name: 'Audit Argus',
      origins: ['https://argus.example', 'https://www.argus.example'],
    });

    const rotated = await admin('POST', `/v1/admin/publishers/${publisher.id}/rotate-key`);
    expect(rotated.status).toBe(200);
    expectProblem(await call('GET', '/v1/publisher', { token: api_key }), 401, 'unauthenticated');
    expect((await call('GET', '/v1/publisher', { token: rotated.json.api_key })).json.id).toBe(publisher.id);

    const rows = await auditRowsFor(publisher.id);
    expect(rows.map((r) => r.action)).toEqual([
      'publisher.create',
      'publisher.update',
      'publisher.rotate_key',
    ]);
    expect(rows[0]?.before).toBeNull();
    expect(JSON.parse(rows[1]?.before ?? '{}').origins).toEqual(['https://argus.example']);
    expect(JSON.parse(rows[1]?.after ?? '{}').origins).toHaveLength(2);
    expect(JSON.parse(rows[2]?.after ?? '{}').api_key_prefix).toBe(rotated.json.publisher.api_key_prefix);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain(api_key);
      expect(JSON.stringify(row)).not.toContain(rotated.json.api_key);
      expect(JSON.stringify(row)).not.toContain('api_key_hash');
    }
  });

  it('refuses bad changes and unknown publishers, recording nothing', async () => {
    const { publisher } = await createPublisher('Refused Record', ['https://refused.example']);
    const audits = await auditCount();
    for (const body of [
      {},
      { name: '' },
      { origins: [] },
      { origins: ['https://x.example/path'] },
      { origins: 'x' },
    ]) {
      expectProblem(
        await admin('PATCH', `/v1/admin/publishers/${publisher.id}`, body),
        400,
        'invalid_request',
      );
    }
    expectProblem(
      await admin('PATCH', '/v1/admin/publishers/pub_aaaaaaaaaaaaaaaaaaaa', { name: 'x' }),
      404,
      'not_found',
    );
    expectProblem(await admin('GET', '/v1/admin/publishers/pub_aaaaaaaaaaaaaaaaaaaa'), 404, 'not_found');
    expectProblem(
      await admin('POST', '/v1/admin/publishers/pub_aaaaaaaaaaaaaaaaaaaa/rotate-key'),
      404,
      'not_found',
    );
    expectProblem(
      await admin('POST', '/v1/admin/publishers', { name: 'x', origins: ['ftp://x.example'] }),
      400,
      'invalid_request',
    );
    expect(await auditCount()).toBe(audits);
  });

  it('records who ran a Stripe reconciliation', async () => {
    const res = await admin('POST', '/v1/admin/stripe/reconcile?max_events=1');
    expect(res.status, res.text).toBe(200);
    const rows = await auditRowsFor('reconcile');
    expect(rows.at(-1)).toMatchObject({
      action: 'stripe.reconcile',
      target_type: 'stripe',
      actor_key_id: 'bootstrap',
    });
    expect(JSON.parse(rows.at(-1)?.after ?? '{}')).toEqual(res.json);
  });
});
