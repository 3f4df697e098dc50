/**
 * @module Sign-in and sign-up by mail, written once and run on every door: one answer whether or
 * not the address has an account, a mail (text and HTML) with a link and a code, single use, a new
 * address opened with its trial and verified, codes guessed only within the sign-in budget, and
 * nothing usable stored.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Door, linkIn, mailTo, signUp, uniqueEmail } from '../support/door';

const ask = (door: Door, email: string, extra: Record<string, unknown> = {}) =>
  door.call('POST', '/v1/sign-in/email', { body: { email, ...extra } });
const confirm = (door: Door, body: Record<string, unknown>) =>
  door.call('POST', '/v1/sign-in/email/confirm', { body });
const codeOf = (mail: { subject: string }) => mail.subject.slice(0, 6);

export function emailSignInJourney(door: () => Door): void {
  describe('sign-in by mail', () => {
    it('answers the same for an address with an account and one without', async () => {
      const { email } = await signUp(door());
      const known = await ask(door(), email);
      const unknown = await ask(door(), uniqueEmail('nobody'));
      expect(known.status).toBe(202);
      expect(unknown.status).toBe(202);
      expect(known.json).toEqual(unknown.json);
      expect(known.json).toEqual({ expires_in: 900 });
    });

    it('mails a link and a 6-digit code, in text and HTML; the code signs an existing reader in and verifies the address', async () => {
      const { email, reader } = await signUp(door());
      expect(reader.email_verified_at).toBeNull();
      expect((await ask(door(), email)).status).toBe(202);
      const mail = await mailTo(door(), email, 'sign_in');
      expect(mail.subject).toMatch(/^\d{6} is your OnePass sign-in code$/);
      expect(mail.text).toContain(codeOf(mail));
      const link = linkIn(mail, door().base, '/sign-in/email/confirm');
      expect(mail.html).toContain(`href="${link.href.replace(/&/g, '&amp;')}"`);
      expect(mail.html).toContain(codeOf(mail));

      const signedIn = await confirm(door(), { email, code: codeOf(mail) });
      expect(signedIn.status).toBe(200);
      expect(signedIn.json.reader.id).toBe(reader.id);
      expect(signedIn.json.reader.email_verified_at).toMatch(/Z$/);
      expect(signedIn.headers.get('set-cookie')).toMatch(/onepass_session=/);
      const me = await door().call('GET', '/v1/me', { token: signedIn.json.session_token });
      expect(me.json.reader.email_verified_at).toBe(signedIn.json.reader.email_verified_at);

      // Single use: the code and the link of the same mail are spent together.
      expect((await confirm(door(), { email, code: codeOf(mail) })).status).toBe(401);
      expect((await confirm(door(), { token: link.searchParams.get('token') })).status).toBe(401);
    });

    it('a new address gets its account and its trial from the link, once', async () => {
      const email = uniqueEmail('mailonly');
      await ask(door(), email);
      const mail = await mailTo(door(), email, 'sign_in');
      expect(mail.subject).toMatch(/sign-up code$/);
      const token = linkIn(mail, door().base, '/sign-in/email/confirm').searchParams.get('token');
      const [first, second] = await Promise.all([confirm(door(), { token }), confirm(door(), { token })]);
      const statuses = [first.status, second.status].sort();
      expect(statuses).toEqual([201, 401]);
      const created = first.status === 201 ? first : second;
      expect(created.json.membership.status).toBe('trialing');
      expect(created.json.reader.email_verified_at).not.toBeNull();
      const rows = await door().query<{ n: number; password: string | null }>(
        sql`select count(*) as n, max(password_hash) as password from readers where email_key = ${email}`,
      );
      expect(rows[0]).toEqual({ n: 1, password: null });
      const welcome = await mailTo(door(), email, 'welcome');
      expect(welcome.subject).toBe('Welcome to OnePass');
      expect(welcome.text).toMatch(/free trial runs until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      // Without a password, password sign-in is refused like any wrong password.
      const password = await door().call('POST', '/v1/sessions', {
        body: { email, password: 'anything at all' },
      });
      expect(password.status).toBe(401);
    });

    it('refuses wrong codes, then stops checking them at the sign-in budget, and the right code no longer helps', async () => {
      const { email } = await signUp(door());
      await ask(door(), email);
      const mail = await mailTo(door(), email, 'sign_in');
      const right = codeOf(mail);
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
      const answers = await Promise.all(
        Array.from({ length: 14 }, () => confirm(door(), { email, code: wrong })),
      );
      const counts = answers.reduce<Record<number, number>>((acc, a) => {
        acc[a.status] = (acc[a.status] ?? 0) + 1;
        return acc;
      }, {});
      expect(counts).toEqual({ 401: 10, 429: 4 });
      const blocked = await confirm(door(), { email, code: right });
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    });

    it('refuses malformed input with 400 and a return_to off the service', async () => {
      expect((await ask(door(), 'not an address')).status).toBe(400);
      expect((await ask(door(), uniqueEmail(), { return_to: 'https://evil.example/' })).status).toBe(400);
      expect((await ask(door(), uniqueEmail(), { return_to: '//evil.example/' })).status).toBe(400);
      expect((await confirm(door(), { email: uniqueEmail(), code: '12345' })).status).toBe(400);
      expect((await confirm(door(), { token: 'x', code: '123456' })).status).toBe(400);
    });

    it('stores neither the link nor the code', async () => {
      const email = uniqueEmail('stored');
      await ask(door(), email);
      const mail = await mailTo(door(), email, 'sign_in');
      const token = linkIn(mail, door().base, '/sign-in/email/confirm').searchParams.get('token') ?? '';
      const dump = JSON.stringify([
        await door().query(sql`select * from email_sign_ins`),
        await door().query(sql`select * from outbox`),
      ]);
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(`"${codeOf(mail)}"`);
    });
  });
}
