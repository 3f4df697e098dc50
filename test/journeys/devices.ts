/**
 * @module The reader's devices and password, written once and run on every door: the list with
 * this session marked, signing out everywhere else, and a password change that ends the other
 * sessions, spends the sign-in budget on a wrong current password, and lets a mail-only account
 * set its first password.
 */
import { describe, expect, it } from 'vitest';
import { type Door, mailedCode, signUp, uniqueEmail } from '../support/door';

const signIn = (door: Door, email: string, password: string, agent: string) =>
  door.call('POST', '/v1/sessions', { body: { email, password }, headers: { 'user-agent': agent } });

export function devicesJourney(door: () => Door): void {
  describe('devices and password', () => {
    it('lists the signed-in devices, newest first, and signs out everywhere else', async () => {
      const { email, password } = await signUp(door());
      const phone = (await signIn(door(), email, password, 'Phone/1.0')).json.session_token;
      const laptop = (await signIn(door(), email, password, 'Laptop/2.0')).json.session_token;
      const list = await door().call('GET', '/v1/me/sessions', { token: laptop });
      expect(list.status).toBe(200);
      expect(list.json.data).toHaveLength(3);
      const current = list.json.data.filter((d: { current: boolean }) => d.current);
      expect(current).toHaveLength(1);
      expect(current[0].user_agent).toBe('Laptop/2.0');
      expect(list.json.data.map((d: { user_agent: string | null }) => d.user_agent)).toContain('Phone/1.0');

      const ended = await door().call('DELETE', '/v1/me/sessions', { token: laptop });
      expect(ended.json).toEqual({ ended: 2 });
      expect((await door().call('GET', '/v1/me', { token: phone })).status).toBe(401);
      expect((await door().call('GET', '/v1/me', { token: laptop })).status).toBe(200);
      expect((await door().call('GET', '/v1/me/sessions', { token: laptop })).json.data).toHaveLength(1);
    });

    it('changes the password with the current one: other sessions end, this one stays', async () => {
      const { email, password, token } = await signUp(door());
      const other = (await signIn(door(), email, password, 'Other/1.0')).json.session_token;
      const missing = await door().call('POST', '/v1/me/password', {
        token,
        body: { new_password: 'a new pass phrase' },
      });
      expect(missing.status).toBe(400);
      const wrong = await door().call('POST', '/v1/me/password', {
        token,
        body: { current_password: 'not the password', new_password: 'a new pass phrase' },
      });
      expect(wrong.status).toBe(401);
      const changed = await door().call('POST', '/v1/me/password', {
        token,
        body: { current_password: password, new_password: 'a new pass phrase' },
      });
      expect(changed.status).toBe(204);
      expect((await door().call('GET', '/v1/me', { token: other })).status).toBe(401);
      expect((await door().call('GET', '/v1/me', { token })).status).toBe(200);
      expect((await signIn(door(), email, password, 'x')).status).toBe(401);
      expect((await signIn(door(), email, 'a new pass phrase', 'x')).status).toBe(200);
    });

    it('spends the sign-in budget on wrong current passwords: the 11th is refused unchecked', async () => {
      const { password, token } = await signUp(door());
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await door().call('POST', '/v1/me/password', {
          token,
          body: { current_password: `wrong guess ${i}`, new_password: 'a new pass phrase' },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([...Array(10).fill(401), 429]);
      const right = await door().call('POST', '/v1/me/password', {
        token,
        body: { current_password: password, new_password: 'a new pass phrase' },
      });
      expect(right.status).toBe(429);
    });

    it('an account made by mail sets its first password without a current one', async () => {
      const email = uniqueEmail('firstpw');
      await door().call('POST', '/v1/sign-in/email', { body: { email } });
      const code = await mailedCode(door(), email);
      const { json } = await door().call('POST', '/v1/sign-in/email/confirm', { body: { email, code } });
      const set = await door().call('POST', '/v1/me/password', {
        token: json.session_token,
        body: { new_password: 'my first pass phrase' },
      });
      expect(set.status).toBe(204);
      expect((await signIn(door(), email, 'my first pass phrase', 'x')).status).toBe(200);
    });

    it('an account without a password is deleted with a mailed code, and only with the right one', async () => {
      const email = uniqueEmail('delcode');
      await door().call('POST', '/v1/sign-in/email', { body: { email } });
      const first = await mailedCode(door(), email);
      const { json } = await door().call('POST', '/v1/sign-in/email/confirm', {
        body: { email, code: first },
      });
      const token = json.session_token;
      expect(
        (await door().call('DELETE', '/v1/me', { token, body: { password: 'anything at all' } })).status,
      ).toBe(401);
      await door().call('POST', '/v1/sign-in/email', { body: { email } });
      const code = await mailedCode(door(), email);
      const wrong = code === '000000' ? '000001' : '000000';
      expect((await door().call('DELETE', '/v1/me', { token, body: { code: wrong } })).status).toBe(401);
      expect((await door().call('DELETE', '/v1/me', { token, body: { code: first } })).status).toBe(401);
      expect((await door().call('DELETE', '/v1/me', { token, body: { code } })).status).toBe(204);
      expect((await door().call('GET', '/v1/me', { token })).status).toBe(401);
    });
  });
}
