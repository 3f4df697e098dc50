/**
 * @module One mailbox, one trial: every spelling of an address (trailing dot, quoted local part,
 * IDN or punycode, case) is the same account, also after that account was deleted; what cannot be
 * normalised (invalid UTF-8 among it) is refused with 400 and changes nothing.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let door: NodeDoor;
beforeAll(async () => {
  door = await startNodeDoor({ LOG_LEVEL: 'silent' });
});
afterAll(() => door.close());

const PASSWORD = 'pass phrase 123';
const signUp = (email: string) => door.call('POST', '/v1/readers', { body: { email, password: PASSWORD } });

async function readers(): Promise<number> {
  const [row] = await door.query<{ n: number }>(sql`SELECT count(*) AS n FROM readers`);
  return row?.n ?? 0;
}

describe('every spelling of one mailbox is one account', () => {
  it.each([
    ['a trailing dot', (l: string) => `${l}@example.com.`],
    ['a quoted local part', (l: string) => `"${l}"@example.com`],
    ['upper case', (l: string) => `${l.toUpperCase()}@EXAMPLE.COM`],
  ])('refuses a second account under %s', async (_what, spell) => {
    const local = `u${Math.random().toString(36).slice(2, 10)}`;
    expect((await signUp(`${local}@example.com`)).status).toBe(201);
    const before = await readers();
    const again = await signUp(spell(local));
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('email_taken');
    expect(await readers()).toBe(before);
  });

  it('treats an internationalised domain and its punycode as one', async () => {
    const local = `u${Math.random().toString(36).slice(2, 10)}`;
    const first = await signUp(`${local}@bücher.example`);
    expect(first.status).toBe(201);
    expect(first.json.reader.email).toBe(`${local}@xn--bcher-kva.example`);
    expect((await signUp(`${local}@xn--bcher-kva.example`)).status).toBe(409);
    // And sign-in finds the account under either spelling.
    const signIn = await door.call('POST', '/v1/sessions', {
      body: { email: `${local}@BÜCHER.example.`, password: PASSWORD },
    });
    expect(signIn.status).toBe(200);
  });

  it('gives no second trial to another spelling after the account was deleted', async () => {
    const local = `u${Math.random().toString(36).slice(2, 10)}`;
    const first = await signUp(`${local}@bücher.example`);
    expect(first.json.membership.status).toBe('trialing');
    const gone = await door.call('DELETE', '/v1/me', {
      token: first.json.session_token,
      body: { password: PASSWORD },
    });
    expect(gone.status).toBe(204);
    for (const spelling of [`"${local}"@xn--bcher-kva.example.`]) {
      const again = await signUp(spelling);
      expect(again.status).toBe(201);
      expect(again.json.membership.status).toBe('expired');
    }
  });
});

describe('what cannot be normalised is refused', () => {
  it.each(['"a b"@example.com', 'a@[192.0.2.1]', 'a\u200b@example.com'])(
    'refuses %j with 400',
    async (email) => {
      const before = await readers();
      const res = await signUp(email);
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('invalid_request');
      expect(await readers()).toBe(before);
    },
  );

  it('refuses an address sent as invalid UTF-8 instead of storing U+FFFD', async () => {
    const before = await readers();
    const local = `u${Math.random().toString(36).slice(2, 10)}`;
    const bytes = Buffer.concat([
      Buffer.from(`{"email":"${local}`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`@example.com","password":"${PASSWORD}"}`),
    ]);
    const res = await door.app.request(`${door.base}/v1/readers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bytes,
    });
    expect(res.status).toBe(400);
    expect(await readers()).toBe(before);
    const stored = await door.query<{ email: string }>(
      sql`SELECT email FROM readers WHERE email LIKE ${'%\uFFFD%'}`,
    );
    expect(stored).toEqual([]);
  });
});
