/**
 * @module The reader's address, written once and run on every door: the day-one rule for trials
 * on an unconfirmed address (GET /v1/me says so, tokens stop, a mailed code confirms it), and
 * moving the account to another address (proved by the new mailbox, the old one told, a taken
 * address refused, the trial claim carried along).
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createPublisher, type Door, linkIn, mailTo, signUp, uniqueEmail } from '../support/door';

const DAY_MS = 86_400_000;
const codeOf = async (door: Door, to: string, template: string) => {
  const code = (await mailTo(door, to, template)).subject.slice(0, 6);
  expect(code).toMatch(/^\d{6}$/);
  return code;
};
/** Moves the reader's sign-up back in time (as if it had happened `hours` ago). */
const signedUpAgo = (door: Door, readerId: string, hours: number) =>
  door.query(sql`update readers set created_at = created_at - ${hours * 3600} where id = ${readerId}`);
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

export function addressJourney(door: () => Door): void {
  describe('the day-one rule for an unconfirmed address', () => {
    it('keeps the trial for the first day, then asks for the address; a mailed code brings it back', async () => {
      const { publisher } = await createPublisher(door());
      const { email, token, reader } = await signUp(door());
      const me = await door().call('GET', '/v1/me', { token });
      const requiredFrom = Date.parse(me.json.reader.created_at) + DAY_MS;
      expect(me.json.email_verification).toEqual({
        verified: false,
        required_from: new Date(requiredFrom).toISOString().replace('.000Z', 'Z'),
      });
      expect(me.json.entitlement.entitled).toBe(true);
      // Tokens of the first day end where the day does, not at the trial's end.
      expect(Date.parse(me.json.entitlement.until)).toBe(requiredFrom);
      expect((await mailTo(door(), email, 'welcome')).text).toContain('confirm this address');

      await signedUpAgo(door(), reader.id, 25);
      const later = await door().call('GET', '/v1/me', { token });
      expect(later.json.entitlement).toEqual({ entitled: false, reason: 'email_unverified', until: null });
      expect(later.json.membership.status).toBe('trialing');
      const refused = await door().call('POST', '/v1/me/entitlement-token', {
        token,
        body: { publisher: publisher.id },
      });
      expect(refused.status).toBe(402);
      expect(refused.json).toMatchObject({ code: 'not_entitled', reason: 'email_unverified' });

      expect((await door().call('POST', '/v1/me/email/verify', { token })).status).toBe(202);
      const code = await codeOf(door(), email, 'verify_email');
      const mail = await mailTo(door(), email, 'verify_email');
      expect(linkIn(mail, door().base, '/sign-in/email/confirm').searchParams.get('token')).toBeTruthy();
      const wrong = await door().call('POST', '/v1/me/email/verify/confirm', {
        token,
        body: { code: wrongCode(code) },
      });
      expect(wrong.status).toBe(401);
      expect((await door().call('GET', '/v1/me', { token })).json.email_verification.verified).toBe(false);
      const ok = await door().call('POST', '/v1/me/email/verify/confirm', { token, body: { code } });
      expect(ok.status).toBe(200);
      const after = await door().call('GET', '/v1/me', { token });
      expect(after.json.email_verification).toEqual({ verified: true, required_from: null });
      expect(after.json.reader.email_verified_at).toBe(ok.json.email_verified_at);
      expect(after.json.entitlement.entitled).toBe(true);
      const issued = await door().call('POST', '/v1/me/entitlement-token', {
        token,
        body: { publisher: publisher.id },
      });
      expect(issued.status).toBe(200);
      expect((await door().call('POST', '/v1/me/email/verify', { token })).status).toBe(409);
      // The code was spent: it cannot confirm twice.
      expect(
        (await door().call('POST', '/v1/me/email/verify/confirm', { token, body: { code } })).status,
      ).toBe(409);
    });

    it('leaves an account made by mail alone: signing in by mail confirmed it', async () => {
      const email = uniqueEmail('bymail');
      expect((await door().call('POST', '/v1/sign-in/email', { body: { email } })).status).toBe(202);
      const code = await codeOf(door(), email, 'sign_in');
      const made = await door().call('POST', '/v1/sign-in/email/confirm', { body: { email, code } });
      expect(made.status).toBe(201);
      await signedUpAgo(door(), made.json.reader.id, 48);
      const me = await door().call('GET', '/v1/me', { token: made.json.session_token });
      expect(me.json.email_verification).toEqual({ verified: true, required_from: null });
      expect(me.json.entitlement.entitled).toBe(true);
    });
  });

  describe('changing the address', () => {
    it('moves the account once the new mailbox proves itself, and tells the old one', async () => {
      const { email, password, token } = await signUp(door());
      const next = uniqueEmail('moved');
      expect(
        (await door().call('POST', '/v1/me/email', { token, body: { email: email.toUpperCase() } })).status,
      ).toBe(400);
      expect(
        (await door().call('POST', '/v1/me/email', { token, body: { email: 'not an address' } })).status,
      ).toBe(400);
      const asked = await door().call('POST', '/v1/me/email', { token, body: { email: next } });
      expect(asked.status).toBe(202);
      expect(asked.json).toEqual({ expires_in: 900 });
      // Nothing has changed yet.
      expect((await door().call('GET', '/v1/me', { token })).json.reader.email).toBe(email);
      const mail = await mailTo(door(), next, 'email_change');
      const link = linkIn(mail, door().base, '/account/email/confirm');
      const code = mail.subject.slice(0, 6);
      const wrong = await door().call('POST', '/v1/me/email/confirm', {
        token,
        body: { code: wrongCode(code) },
      });
      expect(wrong.status).toBe(401);
      const moved = await door().call('POST', '/v1/me/email/confirm', {
        token,
        body: { token: link.searchParams.get('token') },
      });
      expect(moved.status, moved.text).toBe(200);
      expect(moved.json.email).toBe(next);
      const me = await door().call('GET', '/v1/me', { token });
      expect(me.json.reader.email).toBe(next);
      expect(me.json.email_verification.verified).toBe(true);
      const told = await mailTo(door(), email, 'email_changed');
      expect(told.text).toContain(next);
      expect(told.html).toContain(next);
      // The link and the code were spent together.
      expect((await door().call('POST', '/v1/me/email/confirm', { token, body: { code } })).status).toBe(401);
      const byNew = await door().call('POST', '/v1/sessions', { body: { email: next, password } });
      expect(byNew.status).toBe(200);
      const byOld = await door().call('POST', '/v1/sessions', { body: { email, password } });
      expect(byOld.status).toBe(401);
    });

    it('refuses an address another account has by the time it is confirmed, and changes nothing', async () => {
      const { email, token } = await signUp(door());
      const taken = uniqueEmail('taken');
      expect((await door().call('POST', '/v1/me/email', { token, body: { email: taken } })).status).toBe(202);
      await signUp(door(), taken);
      const code = (await mailTo(door(), taken, 'email_change')).subject.slice(0, 6);
      const refused = await door().call('POST', '/v1/me/email/confirm', { token, body: { code } });
      expect(refused.status).toBe(409);
      expect(refused.json.code).toBe('email_taken');
      expect((await door().call('GET', '/v1/me', { token })).json.reader.email).toBe(email);
    });

    it('carries the trial claim: the new address cannot start a second trial after a deletion', async () => {
      const { password, token } = await signUp(door());
      const next = uniqueEmail('fresh');
      await door().call('POST', '/v1/me/email', { token, body: { email: next } });
      const code = (await mailTo(door(), next, 'email_change')).subject.slice(0, 6);
      expect((await door().call('POST', '/v1/me/email/confirm', { token, body: { code } })).status).toBe(200);
      expect((await door().call('DELETE', '/v1/me', { token, body: { password } })).status).toBe(204);
      const again = await signUp(door(), next);
      expect(again.res.json.membership.status).not.toBe('trialing');
    });

    it('asking again voids the earlier link', async () => {
      const { token } = await signUp(door());
      const first = uniqueEmail('first');
      await door().call('POST', '/v1/me/email', { token, body: { email: first } });
      const firstCode = (await mailTo(door(), first, 'email_change')).subject.slice(0, 6);
      await door().call('POST', '/v1/me/email', { token, body: { email: uniqueEmail('second') } });
      expect(
        (await door().call('POST', '/v1/me/email/confirm', { token, body: { code: firstCode } })).status,
      ).toBe(401);
    });
  });
}
