import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { hmacSha256 } from '../../src/lib/crypto';
import { call, signUp, uniqueEmail } from './helpers';
import { expectProblem, sqlAll, sqlRun } from './publisher-helpers';

interface MailRow {
  id: string;
  reader_id: string;
  to_address: string;
  template: string;
  payload: string;
  status: string;
}

async function resetMails(readerId: string): Promise<MailRow[]> {
  return sqlAll<MailRow>(
    "SELECT * FROM outbox WHERE reader_id = ? AND template = 'password_reset' ORDER BY created_at, rowid",
    readerId,
  );
}

/** The link's token, as the mail renderer derives it from the outbox row. */
async function tokenOf(mail: MailRow | undefined): Promise<string> {
  const ref = JSON.parse(mail?.payload ?? '{}').reset_ref;
  expect(typeof ref).toBe('string');
  return hmacSha256(env.PAIRWISE_SECRET, `password-reset:v1:${ref}`);
}

const requestReset = (email: string) => call('POST', '/v1/password-resets', { body: { email } });
const confirm = (token: string, password: string) =>
  call('POST', '/v1/password-resets/confirm', { body: { token, password } });

describe('password reset', () => {
  it('answers 202 with the same body whether or not the account exists; only a real account gets mail', async () => {
    const reader = await signUp();
    const mailsBefore = (await sqlAll<{ n: number }>('SELECT count(*) AS n FROM outbox'))[0]?.n ?? 0;
    const unknown = await requestReset(uniqueEmail('nobody'));
    expect(unknown.status).toBe(202);
    expect((await sqlAll<{ n: number }>('SELECT count(*) AS n FROM outbox'))[0]?.n).toBe(mailsBefore);

    const known = await requestReset(reader.email.toUpperCase());
    expect(known.status).toBe(202);
    expect(known.text).toBe(unknown.text);
    expect(known.headers.get('content-type')).toBe(unknown.headers.get('content-type'));

    const [mail] = await resetMails(reader.reader.id);
    expect(mail).toMatchObject({ to_address: reader.email, template: 'password_reset', status: 'pending' });
    const token = await tokenOf(mail);
    // Neither the token nor a link to it is stored anywhere: only its hash and the mail's `ref`.
    const dump =
      JSON.stringify(await sqlAll('SELECT * FROM outbox')) +
      JSON.stringify(await sqlAll('SELECT * FROM password_resets'));
    expect(dump).not.toContain(token);
    expect(dump).not.toContain('reset-password?token=');
    const [row] = await sqlAll<{ expires_at: number; created_at: number; used_at: number | null }>(
      'SELECT * FROM password_resets WHERE reader_id = ?',
      reader.reader.id,
    );
    expect((row?.expires_at ?? 0) - (row?.created_at ?? 0)).toBe(3600);
    expect(row?.used_at).toBeNull();

    expectProblem(await requestReset('not an email'), 400, 'invalid_request');
  });

  it('works once, ends every session, and voids the other live links', async () => {
    const reader = await signUp();
    const second = await call('POST', '/v1/sessions', {
      body: { email: reader.email, password: reader.password },
    });
    expect(second.status).toBe(200);
    await requestReset(reader.email);
    await requestReset(reader.email);
    const [first, other] = await resetMails(reader.reader.id);
    const token = await tokenOf(first);

    expect((await confirm(token, 'a brand new passphrase')).status).toBe(204);
    for (const session of [reader.token, second.json.session_token]) {
      expectProblem(await call('GET', '/v1/me', { token: session }), 401, 'unauthenticated');
    }
    expect((await sqlAll('SELECT * FROM sessions WHERE reader_id = ?', reader.reader.id)).length).toBe(0);
    expectProblem(await confirm(token, 'yet another passphrase'), 400, 'invalid_request');
    expectProblem(await confirm(await tokenOf(other), 'yet another passphrase'), 400, 'invalid_request');

    expectProblem(
      await call('POST', '/v1/sessions', { body: { email: reader.email, password: reader.password } }),
      401,
      'unauthenticated',
    );
    const signedIn = await call('POST', '/v1/sessions', {
      body: { email: reader.email, password: 'a brand new passphrase' },
    });
    expect(signedIn.status).toBe(200);
  });

  it('expires after one hour', async () => {
    const reader = await signUp();
    await requestReset(reader.email);
    const token = await tokenOf((await resetMails(reader.reader.id))[0]);
    const hourAgo = Math.floor(Date.now() / 1000) - 1;
    await sqlRun('UPDATE password_resets SET expires_at = ? WHERE reader_id = ?', hourAgo, reader.reader.id);
    expectProblem(await confirm(token, 'a brand new passphrase'), 400, 'invalid_request');
    expect((await call('GET', '/v1/me', { token: reader.token })).status).toBe(200);
    const [row] = await sqlAll<{ password_hash: string }>(
      'SELECT password_hash FROM readers WHERE id = ?',
      reader.reader.id,
    );
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$/);
    expect(
      (await call('POST', '/v1/sessions', { body: { email: reader.email, password: reader.password } }))
        .status,
    ).toBe(200);
  });

  it('keeps at most 3 live links per account (still 202)', async () => {
    const reader = await signUp();
    for (let i = 0; i < 5; i++) expect((await requestReset(reader.email)).status).toBe(202);
    expect(await resetMails(reader.reader.id)).toHaveLength(3);
    expect(await sqlAll('SELECT * FROM password_resets WHERE reader_id = ?', reader.reader.id)).toHaveLength(
      3,
    );
  });

  it('refuses malformed tokens and weak passwords with 400, changing nothing', async () => {
    const reader = await signUp();
    await requestReset(reader.email);
    const token = await tokenOf((await resetMails(reader.reader.id))[0]);
    expectProblem(await confirm(token, 'short'), 400, 'invalid_request');
    expectProblem(await confirm('x', 'a brand new passphrase'), 400, 'invalid_request');
    // One character changed (never to itself: a token may end in A).
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expectProblem(await confirm(altered, 'a brand new passphrase'), 400, 'invalid_request');
    expectProblem(
      await call('POST', '/v1/password-resets/confirm', { body: { password: 'a brand new passphrase' } }),
      400,
      'invalid_request',
    );
    expect((await call('GET', '/v1/me', { token: reader.token })).status).toBe(200);
    expect((await confirm(token, 'a brand new passphrase')).status).toBe(204);
  });
});
