/**
 * @module The per-account sign-in budget under concurrent guesses inside workerd on D1: the take is
 * one conditional write there too, so N guesses at once never check more than the limit.
 */
import { describe, expect, it } from 'vitest';
import { call, signUp } from '../../workers/helpers';

describe('the sign-in budget on D1 (10 per 15 min)', () => {
  it.each([10, 40, 200])('checks at most 10 passwords of %i concurrent wrong guesses', async (guesses) => {
    const { email, password } = await signUp();
    const statuses = await Promise.all(
      Array.from({ length: guesses }, async (_, i) => {
        const res = await call('POST', '/v1/sessions', { body: { email, password: `wrong password ${i}` } });
        return res.status;
      }),
    );
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked).toBe(Math.min(guesses, 10));
    expect(statuses.filter((s) => s === 429).length).toBe(guesses - checked);
    expect((await call('POST', '/v1/sessions', { body: { email, password } })).status).toBe(429);
  });

  it('spends the same budget on account deletion', async () => {
    const { token } = await signUp();
    const statuses = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await call('DELETE', '/v1/me', { token, body: { password: `wrong ${i}` } });
        return res.status;
      }),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect((await call('GET', '/v1/me', { token })).status).toBe(200);
  });
});
