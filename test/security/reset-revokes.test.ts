/**
 * @module A password reset ends what was issued before it, as a revocation does: every session and,
 * at introspection, every entitlement token.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetToken } from '../../src/features/mail';
import { createPublisher, signUp } from '../support/door';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let door: NodeDoor;
/** The service's clock, moved on by the test: tokens and revocations carry whole seconds. */
let now = Date.now();
beforeAll(async () => {
  door = await startNodeDoor({ LOG_LEVEL: 'silent' }, { clock: () => new Date(now) });
});
afterAll(() => door.close());

async function resetPassword(email: string, password: string): Promise<void> {
  expect((await door.call('POST', '/v1/password-resets', { body: { email } })).status).toBe(202);
  const [mail] = await door.query<{ payload: string }>(
    sql`SELECT payload FROM outbox WHERE template = 'password_reset' AND to_address = ${email}`,
  );
  const ref = JSON.parse(mail?.payload ?? '{}').reset_ref as string;
  const token = await resetToken(door.ctx.config, ref);
  expect((await door.call('POST', '/v1/password-resets/confirm', { body: { token, password } })).status).toBe(
    204,
  );
}

describe('a password reset', () => {
  it('turns introspection false for tokens issued before it, and true for tokens issued after', async () => {
    const { publisher, api_key } = await createPublisher(door);
    const reader = await signUp(door);
    const before = await door.call('POST', '/v1/me/entitlement-token', {
      token: reader.token,
      body: { publisher: publisher.id },
    });
    const introspect = (token: string) =>
      door.call('POST', '/v1/tokens/introspect', { token: api_key, body: { token } });
    expect((await introspect(before.json.token)).json.active).toBe(true);

    // The reset comes a few seconds later, as it would in life.
    now += 5000;
    await resetPassword(reader.email, 'a brand new password');

    expect(await introspect(before.json.token)).toMatchObject({ status: 200, json: { active: false } });
    expect((await door.call('GET', '/v1/me', { token: reader.token })).status).toBe(401);

    now += 5000;
    const signIn = await door.call('POST', '/v1/sessions', {
      body: { email: reader.email, password: 'a brand new password' },
    });
    const after = await door.call('POST', '/v1/me/entitlement-token', {
      token: signIn.json.session_token,
      body: { publisher: publisher.id },
    });
    expect((await introspect(after.json.token)).json.active).toBe(true);
  });
});
