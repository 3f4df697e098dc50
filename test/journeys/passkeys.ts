/**
 * @module Passkeys, written once and run on every door: add one with a software authenticator,
 * list it, sign in with it (the session, the counter, the cookie), and every refusal: another
 * origin or RP id, a replayed challenge or assertion, a counter that did not grow, another
 * reader's user handle, another reader's delete, a removed passkey, a deleted account; and two
 * verifications of one challenge at once, of which exactly one passes.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { base64urlText } from '../../src/lib/encoding';
import { type Bend, SoftAuthenticator } from '../support/authenticator';
import { type Door, signUp } from '../support/door';

async function addPasskey(door: Door, token: string, auth: SoftAuthenticator, name?: string, bend?: Bend) {
  const options = await door.call('POST', '/v1/me/passkeys/options', { token });
  expect(options.status).toBe(200);
  const response = await auth.register(options.json, bend);
  return {
    options: options.json,
    response,
    res: await door.call('POST', '/v1/me/passkeys', { token, body: { response, name } }),
  };
}

async function signInWith(door: Door, auth: SoftAuthenticator, credentialId?: string, bend?: Bend) {
  const options = await door.call('POST', '/v1/sign-in/passkey/options');
  expect(options.status).toBe(200);
  const response = await auth.authenticate(options.json, credentialId, bend);
  const res = await door.call('POST', '/v1/sign-in/passkey', {
    body: { response },
    headers: { 'user-agent': 'PasskeyPhone/1.0' },
  });
  return { response, res };
}

export function passkeysJourney(door: () => Door): void {
  describe('passkeys', () => {
    it('adds a passkey with discoverable options, lists it, and signs in with it', async () => {
      const { token, email, reader } = await signUp(door());
      const auth = new SoftAuthenticator(new URL(door().base).origin);
      expect((await door().call('GET', '/v1/me/passkeys', { token })).json).toEqual({ data: [] });

      const { options, res } = await addPasskey(door(), token, auth, 'My phone');
      expect(options.rp).toEqual({ name: 'OnePass', id: new URL(door().base).hostname });
      expect(options.user.name).toBe(email);
      // An opaque 32-byte handle, not the email.
      expect(options.user.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(options.user.id).not.toBe(base64urlText(email));
      expect(options.authenticatorSelection).toEqual({
        residentKey: 'required',
        requireResidentKey: true,
        userVerification: 'preferred',
      });
      expect(options.attestation).toBe('none');
      expect(options.excludeCredentials).toEqual([]);
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({
        name: 'My phone',
        last_used_at: null,
        device_type: 'singleDevice',
        backed_up: false,
      });
      const id = res.json.id;
      const list = await door().call('GET', '/v1/me/passkeys', { token });
      expect(list.json.data).toEqual([res.json]);
      expect(JSON.stringify(list.json)).not.toContain('public_key');

      // The next options exclude it, and carry the same opaque user handle.
      const again = await door().call('POST', '/v1/me/passkeys/options', { token });
      expect(again.json.excludeCredentials).toEqual([{ id, transports: ['internal'], type: 'public-key' }]);
      expect(again.json.user.id).toBe(options.user.id);

      const options2 = await door().call('POST', '/v1/sign-in/passkey/options');
      expect(options2.json.allowCredentials).toBeUndefined();
      expect(options2.json.rpId).toBe(new URL(door().base).hostname);
      const { res: signedIn } = await signInWith(door(), auth);
      expect(signedIn.status).toBe(200);
      expect(signedIn.json.reader).toMatchObject({ id: reader.id, email, email_verified_at: null });
      expect(signedIn.headers.get('set-cookie')).toMatch(/onepass_session=/);
      const session = signedIn.json.session_token;
      expect((await door().call('GET', '/v1/me', { token: session })).status).toBe(200);
      const devices = await door().call('GET', '/v1/me/sessions', { token: session });
      expect(devices.json.data.find((d: { current: boolean }) => d.current).user_agent).toBe(
        'PasskeyPhone/1.0',
      );
      const [stored] = await door().query<{ counter: number; last_used_at: number | null }>(
        sql`select counter, last_used_at from passkeys where id = ${id}`,
      );
      expect(stored?.counter).toBe(1);
      expect(stored?.last_used_at).not.toBeNull();
      const [verified] = await door().query<{ v: number | null }>(
        sql`select email_verified_at as v from readers where id = ${reader.id}`,
      );
      expect(verified?.v).toBeNull();

      // The export names the passkey, never its public key.
      const exported = await door().call('GET', '/v1/me/export', { token });
      expect(exported.json.tables.passkeys).toHaveLength(1);
      expect(exported.json.tables.passkeys[0]).toMatchObject({ id, name: 'My phone', counter: 1 });
      expect(exported.json.tables.passkeys[0]).not.toHaveProperty('public_key');
    });

    it('refuses another origin or RP id, a replay, a stale counter and another reader’s user handle', async () => {
      const { token } = await signUp(door());
      const origin = new URL(door().base).origin;
      const auth = new SoftAuthenticator(origin);
      expect(
        (await addPasskey(door(), token, auth, undefined, { origin: 'https://evil.example' })).res.status,
      ).toBe(400);
      expect((await addPasskey(door(), token, auth, undefined, { rpID: 'evil.example' })).res.status).toBe(
        400,
      );
      expect((await addPasskey(door(), token, auth, undefined, { type: 'webauthn.get' })).res.status).toBe(
        400,
      );
      auth.credentials.clear();
      const added = await addPasskey(door(), token, auth);
      expect(added.res.status).toBe(201);
      expect(added.res.json.name).toBe('Passkey');
      const replayedRegistration = await door().call('POST', '/v1/me/passkeys', {
        token,
        body: { response: added.response },
      });
      expect(replayedRegistration.status).toBe(400);

      const ok = await signInWith(door(), auth);
      expect(ok.res.status).toBe(200);
      const replayed = await door().call('POST', '/v1/sign-in/passkey', { body: { response: ok.response } });
      expect(replayed.status).toBe(401);

      const refusals = [
        await signInWith(door(), auth, undefined, { origin: 'https://evil.example' }),
        await signInWith(door(), auth, undefined, { rpID: 'evil.example' }),
        // The stored counter is 1 now: an assertion that does not count past it may come from a clone.
        await signInWith(door(), auth, undefined, { counter: 1 }),
        await signInWith(door(), auth, undefined, { type: 'webauthn.create' }),
        await signInWith(door(), auth, undefined, { challenge: 'bm90LWEtY2hhbGxlbmdlLXdlLWlzc3VlZA' }),
        await signInWith(door(), auth, undefined, { flags: 0x04 }), // verified, yet nobody present
      ];
      const other = await signUp(door());
      const otherHandle = (await door().call('POST', '/v1/me/passkeys/options', { token: other.token })).json
        .user.id;
      refusals.push(await signInWith(door(), auth, undefined, { userHandle: otherHandle }));
      for (const { res } of refusals) {
        expect(res.status).toBe(401);
        expect(res.json.code).toBe('unauthenticated');
        expect(res.json.detail).toBe(replayed.json.detail);
      }
      // Nothing of the refused attempts was kept: the counter is the accepted assertion's.
      const [row] = await door().query<{ counter: number }>(
        sql`select counter from passkeys where id = ${added.res.json.id}`,
      );
      expect(row?.counter).toBe(1);
      expect((await signInWith(door(), auth)).res.status).toBe(200);
    });

    it('verifies one challenge once, even twice at the same moment', async () => {
      const { token } = await signUp(door());
      const auth = new SoftAuthenticator(new URL(door().base).origin);
      const options = await door().call('POST', '/v1/me/passkeys/options', { token });
      const response = await auth.register(options.json);
      const both = await Promise.all([
        door().call('POST', '/v1/me/passkeys', { token, body: { response } }),
        door().call('POST', '/v1/me/passkeys', { token, body: { response } }),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual([201, 400]);

      const signInOptions = await door().call('POST', '/v1/sign-in/passkey/options');
      const assertion = await auth.authenticate(signInOptions.json);
      const twice = await Promise.all([
        door().call('POST', '/v1/sign-in/passkey', { body: { response: assertion } }),
        door().call('POST', '/v1/sign-in/passkey', { body: { response: assertion } }),
      ]);
      expect(twice.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('removes only the reader’s own passkey, which then no longer signs in', async () => {
      const { token } = await signUp(door());
      const auth = new SoftAuthenticator(new URL(door().base).origin);
      const { res } = await addPasskey(door(), token, auth);
      const id = res.json.id;
      const other = await signUp(door());
      expect((await door().call('DELETE', `/v1/me/passkeys/${id}`, { token: other.token })).status).toBe(404);
      expect((await signInWith(door(), auth, id)).res.status).toBe(200);

      expect((await door().call('DELETE', `/v1/me/passkeys/${id}`, { token })).status).toBe(204);
      expect((await door().call('DELETE', `/v1/me/passkeys/${id}`, { token })).status).toBe(404);
      expect((await door().call('GET', '/v1/me/passkeys', { token })).json.data).toEqual([]);
      expect((await signInWith(door(), auth, id)).res.status).toBe(401);
    });

    it('a deleted account cannot sign in with its passkey, which is erased with it', async () => {
      const { token, password } = await signUp(door());
      const auth = new SoftAuthenticator(new URL(door().base).origin);
      const { res } = await addPasskey(door(), token, auth);
      expect((await door().call('DELETE', '/v1/me', { token, body: { password } })).status).toBe(204);
      expect((await signInWith(door(), auth, res.json.id)).res.status).toBe(401);
      const left = await door().query<{ n: number }>(
        sql`select count(*) as n from passkeys where id = ${res.json.id}`,
      );
      expect(left[0]?.n).toBe(0);
    });
  });
}
