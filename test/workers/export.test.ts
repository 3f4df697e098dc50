import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as schema from '../../src/db/schema';
import { SoftAuthenticator } from '../support/authenticator';
import { adminKey, BASE, call, createPublisher, signUp } from './helpers';
import { expectProblem, issueToken, sqlAll, sqlRun } from './publisher-helpers';

/**
 * Columns deliberately left out of the export, with why. Everything else in a table that holds
 * data about a reader must be in the export, under its SQL name: a new table or column that the
 * export does not cover fails this test.
 */
const EXCLUDED: Record<string, string[]> = {
  readers: ['password_hash'], // a credential hash: `password_set` says whether it exists
  sessions: ['token_hash'],
  password_resets: ['token_hash'],
  access_codes: ['code_hash'],
  passkeys: ['public_key'],
  webauthn_challenges: ['challenge_hash'],
  email_changes: ['token_hash', 'code_hash'],
  gifts: ['token_hash'], // the redemption link's hash: the link itself is the buyer's to share
  seats: ['token_hash'], // an open invitation link's hash: the link is the invitee's
};

/** Every table of the schema that links rows to a reader, and the column that does. */
function readerLinkedTables(): { name: string; column: string; columns: string[] }[] {
  const out: { name: string; column: string; columns: string[] }[] = [];
  for (const value of Object.values(schema)) {
    if (!is(value, SQLiteTable)) continue;
    const config = getTableConfig(value);
    const columns = config.columns.map((c) => c.name);
    if (config.name === 'readers') {
      out.push({ name: 'readers', column: 'id', columns });
      continue;
    }
    const viaForeignKey = config.foreignKeys
      .map((fk) => fk.reference())
      .find((ref) => getTableConfig(ref.foreignTable).name === 'readers');
    const column =
      viaForeignKey?.columns[0]?.name ?? (columns.includes('reader_id') ? 'reader_id' : undefined);
    if (column) out.push({ name: config.name, column, columns });
  }
  return out;
}

/** A reader with at least one row in every reader-linked table. */
async function seededReader() {
  const pub = await createPublisher('Daily', ['https://daily.example']);
  const reader = await signUp();
  const id = reader.reader.id;
  const token = await issueToken(reader.token, pub.publisher.id, 'budget');
  const read = await call('POST', '/v1/reads', {
    token: pub.api_key,
    body: { token, article: { id: 'budget', title: 'Budget', url: 'https://daily.example/budget' } },
  });
  expect(read.status).toBe(202);
  expect((await call('POST', '/v1/password-resets', { body: { email: reader.email } })).status).toBe(202);
  // A passkey, and the options of another one still pending.
  const authenticator = new SoftAuthenticator(new URL(BASE).origin);
  const options = await call('POST', '/v1/me/passkeys/options', { token: reader.token });
  const response = await authenticator.register(options.json);
  expect((await call('POST', '/v1/me/passkeys', { token: reader.token, body: { response } })).status).toBe(
    201,
  );
  expect((await call('POST', '/v1/me/passkeys/options', { token: reader.token })).status).toBe(200);
  const now = Math.floor(Date.now() / 1000);
  const [session] = await sqlAll<{ id: string }>('SELECT id FROM sessions WHERE reader_id = ?', id);
  await sqlRun(
    'INSERT INTO access_codes (code_hash, publisher_id, reader_id, session_id, article, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    `code-hash-${id}`,
    pub.publisher.id,
    id,
    session?.id,
    'budget',
    now,
    now + 60,
  );
  await sqlRun(
    "INSERT INTO stripe_events (id, type, stripe_created_at, reader_id, outcome, status_before, status_after, source, processed_at) VALUES (?, 'invoice.paid', ?, ?, 'applied', 'trialing', 'active', 'webhook', ?)",
    `evt_export_${id}`,
    now,
    id,
    now,
  );
  expect(
    (await call('POST', '/v1/me/email', { token: reader.token, body: { email: `moving.${id}@example.com` } }))
      .status,
  ).toBe(202);
  await sqlRun(
    "INSERT INTO gifts (id, buyer_reader_id, buyer_email, recipient_email, months, amount, currency, status, token_hash, created_at) VALUES (?, ?, ?, 'friend@example.com', 3, 2997, 'eur', 'pending', ?, ?)",
    `gft_export${id.slice(4)}`,
    id,
    reader.email,
    `gift-hash-${id}`,
    now,
  );
  await sqlRun(
    "INSERT INTO seats (id, owner_reader_id, email, token_hash, invited_at, expires_at) VALUES (?, ?, 'family@example.com', ?, ?, ?)",
    `sea_export${id.slice(4)}`,
    id,
    `seat-hash-${id}`,
    now,
    now + 86_400,
  );
  await sqlRun(
    'INSERT INTO meter_articles (reader_id, month, publisher_id, article_id, created_at) VALUES (?, ?, ?, ?, ?)',
    id,
    new Date().toISOString().slice(0, 7),
    pub.publisher.id,
    'free-piece',
    now,
  );
  const comp = await call('POST', `/v1/admin/members/${id}/trial`, {
    token: adminKey(),
    body: { ends_at: new Date(Date.now() + 86_400_000).toISOString() },
  });
  expect(comp.status, comp.text).toBe(200);
  return reader;
}

describe('GET /v1/me/export', () => {
  it('covers every column of every table that holds data about the reader (schema-driven)', async () => {
    const reader = await seededReader();
    const res = await call('GET', '/v1/me/export', { token: reader.token });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const data = res.json;
    expect(data).toMatchObject({
      format: 'onepass-export/1',
      reader_id: reader.reader.id,
      password_set: true,
    });

    const linked = readerLinkedTables();
    expect(linked.map((t) => t.name)).toEqual(
      expect.arrayContaining(['readers', 'sessions', 'memberships', 'reads', 'outbox', 'password_resets']),
    );
    for (const table of linked) {
      const rows = data.tables[table.name];
      expect(rows, `export lacks table ${table.name}`).toBeInstanceOf(Array);
      const held = await sqlAll(`SELECT * FROM ${table.name} WHERE ${table.column} = ?`, reader.reader.id);
      expect(held.length, `seed a row of ${table.name} in this test`).toBeGreaterThan(0);
      expect(rows.length, `rows of ${table.name}`).toBe(held.length);
      for (const column of table.columns) {
        if (EXCLUDED[table.name]?.includes(column)) {
          for (const row of rows)
            expect(row, `${table.name}.${column} must be withheld`).not.toHaveProperty(column);
          expect(data.withheld[table.name], `${table.name}.${column} must be said to exist`).toHaveProperty(
            column,
          );
        } else {
          for (const row of rows) expect(row, `export lacks ${table.name}.${column}`).toHaveProperty(column);
        }
      }
    }

    // Values, not just keys: a few spot checks against the database.
    expect(data.tables.readers[0]).toMatchObject({ id: reader.reader.id, email: reader.email });
    expect(data.tables.reads[0]).toMatchObject({
      article_id: 'budget',
      title: 'Budget',
      membership: 'trial',
    });
    expect(data.tables.sessions[0].created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(data.tables.outbox).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ template: 'welcome', to_address: reader.email }),
        expect.objectContaining({ template: 'password_reset', to_address: reader.email }),
      ]),
    );
    expect(data.tables.trial_claims).toHaveLength(1);
    expect(data.tables.audit_log.length).toBeGreaterThan(0);

    // No credential hash leaks into the export.
    const secrets = [
      ...(await sqlAll<{ v: string }>(
        'SELECT password_hash AS v FROM readers WHERE id = ?',
        reader.reader.id,
      )),
      ...(await sqlAll<{ v: string }>(
        'SELECT token_hash AS v FROM sessions WHERE reader_id = ?',
        reader.reader.id,
      )),
      ...(await sqlAll<{ v: string }>(
        'SELECT token_hash AS v FROM password_resets WHERE reader_id = ?',
        reader.reader.id,
      )),
      ...(await sqlAll<{ v: string }>(
        'SELECT code_hash AS v FROM access_codes WHERE reader_id = ?',
        reader.reader.id,
      )),
      ...(await sqlAll<{ v: string }>('SELECT identity_hash AS v FROM trial_claims')),
    ];
    for (const { v } of secrets) expect(res.text).not.toContain(v);
  });

  it("needs the reader's session and shows nobody else's data", async () => {
    expectProblem(await call('GET', '/v1/me/export'), 401, 'unauthenticated');
    const alice = await seededReader();
    const bob = await signUp();
    const res = await call('GET', '/v1/me/export', { token: bob.token });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(alice.reader.id);
    expect(res.text).not.toContain(alice.email);
    expect(res.json.tables.reads).toEqual([]);
  });
});
