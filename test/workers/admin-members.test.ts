/** @module Admin members in workerd + D1: list filters and pages, detail, trial, comp, revoke, audit rows. */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { auditCount, auditRowsFor, expectProblem, membershipRow } from './admin-helpers';
import { adminKey, call, countRows, signUp, uniqueEmail } from './helpers';

const admin = (method: string, path: string, body?: unknown) =>
  call(method, path, { token: adminKey(), body });

async function allPages(query: string, limit: number, between?: () => Promise<void>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await admin(
      'GET',
      `/v1/admin/members?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.length).toBeLessThanOrEqual(limit);
    ids.push(...res.json.data.map((m: { id: string }) => m.id));
    cursor = res.json.next_cursor;
    pages += 1;
    if (between) await between();
  } while (cursor && pages < 100);
  return ids;
}

describe('GET /v1/admin/members', () => {
  it('pages through every member once, newest first, while members keep signing up', async () => {
    const tag = `pg${Date.now().toString(36)}`;
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await signUp(uniqueEmail(tag))).reader.id);
    // Two share a created_at second with others: the id breaks the tie and the cursor keeps it.
    const added: string[] = [];
    const ids = await allPages(`email=${tag}`, 2, async () => {
      added.push((await signUp(uniqueEmail(tag))).reader.id);
    });
    // Everyone who existed when paging began, exactly once. A sign-up during paging may show up (in
    // the same second as the cursor) or not, but never twice and never at the expense of another.
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of created) expect(ids).toContain(id);
    for (const id of ids) expect(created.includes(id) || added.includes(id)).toBe(true);
    expect(added.length).toBeGreaterThan(2);

    const firstPage = await admin('GET', `/v1/admin/members?email=${tag}&limit=100`);
    const times = firstPage.json.data.map((m: { created_at: string }) => m.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(firstPage.json.data[0]).toMatchObject({
      id: expect.stringMatching(/^rdr_/),
      email: expect.stringContaining(tag),
      membership: { status: 'trialing' },
    });
  });

  it('filters by effective status (a trial that has run out is expired) and by normalised email prefix', async () => {
    const tag = `st${Date.now().toString(36)}`;
    const live = await signUp(`${tag}.live@Example.com`);
    const ended = await signUp(`${tag}.ended@example.com`);
    // Stored as trialing but past its end: only the clock makes it expired.
    await env.DB.prepare('UPDATE memberships SET trial_ends_at = ? WHERE reader_id = ?')
      .bind(Math.floor(Date.now() / 1000) - 10, ended.reader.id)
      .run();
    expect((await membershipRow(ended.reader.id))?.status).toBe('trialing');

    const expired = await admin('GET', `/v1/admin/members?status=expired&email=${tag.toUpperCase()}`);
    expect(expired.json.data.map((m: { id: string }) => m.id)).toEqual([ended.reader.id]);
    expect(expired.json.data[0].membership.status).toBe('expired');
    const trialing = await admin('GET', `/v1/admin/members?status=trialing&email=%20${tag}.`);
    expect(trialing.json.data.map((m: { id: string }) => m.id)).toEqual([live.reader.id]);
    const none = await admin('GET', `/v1/admin/members?email=${tag}.live@example.comx`);
    expect(none.json).toEqual({ data: [], next_cursor: null });
    // LIKE wildcards are plain characters in a prefix.
    expect((await admin('GET', `/v1/admin/members?email=${tag}%25`)).json.data).toEqual([]);
  });

  it('refuses bad filters and cursors with 400', async () => {
    for (const query of [
      'status=paying',
      'limit=0',
      'limit=101',
      'limit=x',
      'cursor=%%%',
      'cursor=WzEsMl0',
    ]) {
      expectProblem(await admin('GET', `/v1/admin/members?${query}`), 400, 'invalid_request');
    }
  });
});

describe('GET /v1/admin/members/{id}', () => {
  it('shows the reader, membership, Stripe ids, events, sessions and reads', async () => {
    const { reader } = await signUp();
    await call('POST', '/v1/sessions', { body: { email: reader.email, password: 'correct horse battery' } });
    await env.DB.prepare(
      "INSERT INTO stripe_events (id, type, stripe_created_at, reader_id, outcome, status_before, status_after, source, processed_at) VALUES ('evt_detail_1', 'invoice.paid', 1, ?, 'applied', 'trialing', 'active', 'webhook', 2)",
    )
      .bind(reader.id)
      .run();
    const res = await admin('GET', `/v1/admin/members/${reader.id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      reader: { id: reader.id, email: reader.email, deleted_at: null, sessions_revoked_before: null },
      membership: { status: 'trialing' },
      comp_reason: null,
      stripe: { customer_id: null, subscription_id: null },
      events: [{ id: 'evt_detail_1', type: 'invoice.paid', outcome: 'applied', status_after: 'active' }],
      active_sessions: 2,
      reads_last_30_days: 0,
    });
    expectProblem(await admin('GET', '/v1/admin/members/rdr_aaaaaaaaaaaaaaaaaaaa'), 404, 'not_found');
  });
});

describe('member mutations', () => {
  it('trial: sets the end, and writes exactly one audit row with before and after', async () => {
    const { reader } = await signUp();
    const endsAt = new Date(Date.now() + 3 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const res = await admin('POST', `/v1/admin/members/${reader.id}/trial`, { ends_at: endsAt });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ status: 'trialing', trial_ends_at: endsAt });
    const rows = await auditRowsFor(reader.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'member.trial',
      target_type: 'member',
      actor_key_id: 'bootstrap',
    });
    expect(JSON.parse(rows[0]?.before ?? 'null').status).toBe('trialing');
    expect(JSON.parse(rows[0]?.after ?? 'null').trial_ends_at).toBe(endsAt);
    expect(rows[0]?.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('comp: comped until the date with its reason; bad input and conflicts leave no audit row', async () => {
    const { reader, token } = await signUp();
    const until = new Date(Date.now() + 90 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const before = await auditCount();
    for (const body of [
      { until, reason: '' },
      { until: '2020-01-01T00:00:00Z', reason: 'past' },
      { until: 'tomorrow', reason: 'x' },
      { reason: 'no until' },
    ]) {
      expectProblem(await admin('POST', `/v1/admin/members/${reader.id}/comp`, body), 400, 'invalid_request');
    }
    expectProblem(
      await admin('POST', '/v1/admin/members/rdr_aaaaaaaaaaaaaaaaaaaa/comp', { until, reason: 'x' }),
      404,
      'not_found',
    );
    expect(await auditCount()).toBe(before);

    const res = await admin('POST', `/v1/admin/members/${reader.id}/comp`, { until, reason: 'Press pass' });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ status: 'comped', comp_until: until });
    expect((await call('GET', '/v1/me', { token })).json.entitlement).toMatchObject({
      entitled: true,
      until,
    });
    expect((await membershipRow(reader.id))?.comp_reason).toBe('Press pass');
    const rows = await auditRowsFor(reader.id);
    expect(rows.map((r) => r.action)).toEqual(['member.comp']);
    expect(JSON.parse(rows[0]?.after ?? '{}')).toMatchObject({ status: 'comped', comp_reason: 'Press pass' });

    // A comped member is not a free trial any more: the trial end cannot be set (409, no row).
    expectProblem(
      await admin('POST', `/v1/admin/members/${reader.id}/trial`, { ends_at: until }),
      409,
      'conflict',
    );
    expect(await auditRowsFor(reader.id)).toHaveLength(1);
  });

  it('comp is refused while the member has a running Stripe subscription', async () => {
    const { reader } = await signUp();
    await env.DB.prepare("UPDATE memberships SET status = 'active' WHERE reader_id = ?")
      .bind(reader.id)
      .run();
    const until = new Date(Date.now() + 86_400_000).toISOString();
    expectProblem(
      await admin('POST', `/v1/admin/members/${reader.id}/comp`, { until, reason: 'x' }),
      409,
      'conflict',
    );
    expect(await auditRowsFor(reader.id)).toHaveLength(0);
  });

  it('revoke-sessions: every session ends, revoked_before is set, one audit row', async () => {
    const { reader, token } = await signUp();
    const second = await call('POST', '/v1/sessions', {
      body: { email: reader.email, password: 'correct horse battery' },
    });
    expect((await call('GET', '/v1/me', { token })).status).toBe(200);
    const sessionsBefore = await countRows('sessions');
    const res = await admin('POST', `/v1/admin/members/${reader.id}/revoke-sessions`);
    expect(res.status, res.text).toBe(204);
    expect(await countRows('sessions')).toBe(sessionsBefore - 2);
    expect((await call('GET', '/v1/me', { token })).status).toBe(401);
    expect((await call('GET', '/v1/me', { token: second.json.session_token })).status).toBe(401);
    const row = await env.DB.prepare('SELECT revoked_before FROM readers WHERE id = ?')
      .bind(reader.id)
      .first<{ revoked_before: number }>();
    expect(row?.revoked_before).toBeGreaterThan(Date.now() / 1000 - 60);
    const rows = await auditRowsFor(reader.id);
    expect(rows.map((r) => r.action)).toEqual(['member.revoke_sessions']);
    expect(JSON.parse(rows[0]?.before ?? '{}')).toMatchObject({ sessions: 2, revoked_before: null });
    // Signing in again works: the revocation is about what existed before it.
    const again = await call('POST', '/v1/sessions', {
      body: { email: reader.email, password: 'correct horse battery' },
    });
    expect((await call('GET', '/v1/me', { token: again.json.session_token })).status).toBe(200);

    const detail = await admin('GET', `/v1/admin/members/${reader.id}`);
    expect(detail.json.active_sessions).toBe(1);
    expect(detail.json.reader.sessions_revoked_before).toMatch(/Z$/);
  });

  it('cancel without a Stripe subscription is 409 and leaves no audit row', async () => {
    const { reader } = await signUp();
    expectProblem(
      await admin('POST', `/v1/admin/members/${reader.id}/cancel`, { at_period_end: true }),
      409,
      'conflict',
    );
    expectProblem(await admin('POST', `/v1/admin/members/${reader.id}/cancel`, {}), 400, 'invalid_request');
    expect(await auditRowsFor(reader.id)).toHaveLength(0);
  });
});

describe('GET /v1/admin/audit-log', () => {
  it('pages newest first and filters by action and target', async () => {
    const { reader } = await signUp();
    for (let i = 1; i <= 3; i++) {
      const ends = new Date(Date.now() + i * 86_400_000).toISOString();
      expect((await admin('POST', `/v1/admin/members/${reader.id}/trial`, { ends_at: ends })).status).toBe(
        200,
      );
    }
    const page1 = await admin('GET', `/v1/admin/audit-log?target_id=${reader.id}&limit=2`);
    expect(page1.status, page1.text).toBe(200);
    expect(page1.json.data).toHaveLength(2);
    expect(page1.json.next_cursor).toEqual(expect.any(String));
    const page2 = await admin(
      'GET',
      `/v1/admin/audit-log?target_id=${reader.id}&limit=2&cursor=${page1.json.next_cursor}`,
    );
    expect(page2.json.data).toHaveLength(1);
    expect(page2.json.next_cursor).toBeNull();
    const all = [...page1.json.data, ...page2.json.data];
    expect(new Set(all.map((e: { id: string }) => e.id)).size).toBe(3);
    expect(all[0]).toMatchObject({
      action: 'member.trial',
      target_type: 'member',
      target_id: reader.id,
      actor_key_id: 'bootstrap',
      before: { status: 'trialing' },
      after: { status: 'trialing' },
    });
    const times = all.map((e: { created_at: string }) => e.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    const byAction = await admin('GET', `/v1/admin/audit-log?action=member.trial&target_id=${reader.id}`);
    expect(byAction.json.data).toHaveLength(3);
    expect(
      (await admin('GET', `/v1/admin/audit-log?action=member.comp&target_id=${reader.id}`)).json.data,
    ).toEqual([]);
  });
});
