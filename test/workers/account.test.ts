import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { adminKey, call, createPublisher, signUp } from './helpers';
import { expectProblem, issueToken, sqlAll, sqlRun } from './publisher-helpers';

/** Every value of every column of every table, as one lower-cased text (D1's own tables aside). */
async function wholeDatabase(): Promise<string> {
  const tables = await sqlAll<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  );
  const parts: string[] = [];
  for (const { name } of tables) parts.push(JSON.stringify(await sqlAll(`SELECT * FROM "${name}"`)));
  return parts.join('\n').toLowerCase();
}

/** A reader with a session, a pairwise subject, a read and a reset request (mail and link). */
async function busyReader(pub: { publisher: { id: string }; api_key: string }) {
  const reader = await signUp(
    `Del.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 7)}+news@Example.com`,
  );
  const token = await issueToken(reader.token, pub.publisher.id);
  await call('POST', '/v1/reads', { token: pub.api_key, body: { token, article: { id: 'kept-read' } } });
  await call('POST', '/v1/password-resets', { body: { email: reader.email } });
  const [row] = await sqlAll<{ password_hash: string }>(
    'SELECT password_hash FROM readers WHERE id = ?',
    reader.reader.id,
  );
  return { ...reader, token, session: reader.token, passwordHash: row?.password_hash ?? '' };
}

async function expectErased(reader: Awaited<ReturnType<typeof busyReader>>) {
  const everything = await wholeDatabase();
  expect(reader.passwordHash).toMatch(/^pbkdf2/);
  const identity = reader.email.toLowerCase().replace('+news', '');
  for (const trace of [reader.email, identity, reader.passwordHash]) {
    expect(everything, `still in the database: ${trace}`).not.toContain(trace.toLowerCase());
  }
  const [row] = await sqlAll('SELECT * FROM readers WHERE id = ?', reader.reader.id);
  expect(row).toMatchObject({ email: null, email_key: null, trial_identity: null, password_hash: null });
  expect(row?.deleted_at).toEqual(expect.any(Number));
  for (const table of ['sessions', 'password_resets', 'pairwise_subjects', 'access_codes', 'outbox']) {
    expect(await sqlAll(`SELECT * FROM ${table} WHERE reader_id = ?`, reader.reader.id), table).toEqual([]);
  }
  expect(await sqlAll('SELECT * FROM reads WHERE reader_id = ?', reader.reader.id)).toEqual([]);
  const [membership] = await sqlAll('SELECT * FROM memberships WHERE reader_id = ?', reader.reader.id);
  expect(membership).toMatchObject({
    status: 'expired',
    stripe_customer_id: null,
    stripe_subscription_id: null,
  });
  expectProblem(await call('GET', '/v1/me', { token: reader.session }), 401, 'unauthenticated');
}

describe('DELETE /v1/me', () => {
  it('refuses a wrong password (401) and changes nothing', async () => {
    const pub = await createPublisher();
    const reader = await busyReader(pub);
    const before = await sqlAll('SELECT * FROM readers WHERE id = ?', reader.reader.id);
    expectProblem(
      await call('DELETE', '/v1/me', { token: reader.session, body: { password: 'not the password' } }),
      401,
      'unauthenticated',
    );
    expectProblem(
      await call('DELETE', '/v1/me', { token: reader.session, body: {} }),
      400,
      'invalid_request',
    );
    expectProblem(
      await call('DELETE', '/v1/me', { body: { password: reader.password } }),
      401,
      'unauthenticated',
    );
    expect(await sqlAll('SELECT * FROM readers WHERE id = ?', reader.reader.id)).toEqual(before);
    expect((await call('GET', '/v1/me', { token: reader.session })).status).toBe(200);
  });

  it('erases every personal datum, asks Stripe about the linked customer, keeps the read anonymous; no second trial', async () => {
    const pub = await createPublisher();
    const reader = await busyReader(pub);
    // Linked to a Stripe customer and subscription the (shared) emulator does not know: deletion
    // asks Stripe (list, retrieve: no events emitted) and finds nothing left to cancel. The
    // cancellation of a live subscription runs on a dedicated emulator in test/node/account.test.ts,
    // since a checkout here would queue webhooks that the billing tests count.
    await sqlRun(
      'UPDATE memberships SET stripe_customer_id = ?, stripe_subscription_id = ? WHERE reader_id = ?',
      `cus_gone_${reader.reader.id}`,
      `sub_gone_${reader.reader.id}`,
      reader.reader.id,
    );
    const del = await call('DELETE', '/v1/me', {
      token: reader.session,
      body: { password: reader.password },
    });
    expect(del.status, del.text).toBe(204);
    expect(del.headers.get('set-cookie') ?? '').toMatch(/onepass_session=;/);

    await expectErased(reader);
    const [kept] = await sqlAll(
      'SELECT * FROM reads WHERE publisher_id = ? AND article_id = ?',
      pub.publisher.id,
      'kept-read',
    );
    expect(kept).toMatchObject({ reader_id: null, membership: 'trial' });
    expect(String(kept?.subject)).toHaveLength(43);

    // The same person signs up again: allowed, but the trial was already taken.
    const again = await call('POST', '/v1/readers', {
      body: { email: reader.email, password: 'another passphrase' },
    });
    expect(again.status, again.text).toBe(201);
    expect(again.json.membership.status).toBe('expired');
    expect((await call('GET', '/v1/me', { token: again.json.session_token })).json.entitlement).toMatchObject(
      {
        entitled: false,
        reason: 'trial_expired',
      },
    );
  });
});

describe('DELETE /v1/admin/members/{id}', () => {
  it('deletes as DELETE /v1/me does and writes one audit row without personal data', async () => {
    const pub = await createPublisher();
    const reader = await busyReader(pub);
    const del = await call('DELETE', `/v1/admin/members/${reader.reader.id}`, { token: adminKey() });
    expect(del.status, del.text).toBe(204);
    await expectErased(reader);
    const audit = await sqlAll<{ action: string; actor_key_id: string; before: string; after: string }>(
      "SELECT * FROM audit_log WHERE target_id = ? AND action = 'member.delete'",
      reader.reader.id,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_key_id: 'bootstrap' });
    expect(JSON.parse(audit[0]?.after ?? '{}')).toMatchObject({ status: 'expired' });

    // Again: the member is gone; nothing more is written.
    expectProblem(
      await call('DELETE', `/v1/admin/members/${reader.reader.id}`, { token: adminKey() }),
      404,
      'not_found',
    );
    expectProblem(
      await call('DELETE', '/v1/admin/members/rdr_aaaaaaaaaaaaaaaaaaaa', { token: adminKey() }),
      404,
      'not_found',
    );
    const rows = await sqlAll(
      "SELECT * FROM audit_log WHERE target_id = ? AND action = 'member.delete'",
      reader.reader.id,
    );
    expect(rows).toHaveLength(1);
  });

  it('needs an admin key: a reader session or a publisher key cannot delete', async () => {
    const pub = await createPublisher();
    const reader = await busyReader(pub);
    for (const token of [undefined, reader.session, pub.api_key]) {
      expectProblem(
        await call('DELETE', `/v1/admin/members/${reader.reader.id}`, { token }),
        401,
        'unauthenticated',
      );
    }
    expect((await call('GET', '/v1/me', { token: reader.session })).status).toBe(200);
    expect(env.ADMIN_API_KEY).toBeTruthy();
  });
});
