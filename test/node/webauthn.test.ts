/**
 * @module src/lib/webauthn against @simplewebauthn/server itself, on the same inputs: the options
 * JSON is identical, and each registration and assertion from the software authenticator (ES256,
 * EdDSA, RS256; `none` and packed self attestation; honest and bent) is accepted or refused by
 * both alike, with the same credential, counter and flags. Also the CBOR decoder's refusals, and
 * the per-IP budget passkey sign-in spends.
 */
import * as simple from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url } from '../../src/lib/encoding';
import * as ours from '../../src/lib/webauthn';
import { decodeCbor } from '../../src/lib/webauthn/cbor';
import { type Alg, type Bend, FLAG, SoftAuthenticator } from '../support/authenticator';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

const ORIGIN = 'https://onepass.example';
const RPID = 'onepass.example';
const challenge = () => crypto.getRandomValues(new Uint8Array(32));
const userID = crypto.getRandomValues(new Uint8Array(32));

function creationOptions(c: Uint8Array) {
  return ours.generateRegistrationOptions({
    rpName: 'OnePass',
    rpID: RPID,
    userID,
    userName: 'reader@example.com',
    userDisplayName: 'reader@example.com',
    challenge: c,
    excludeCredentials: [{ id: 'AAECAw', transports: ['internal'] }],
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
}

/** Both verifiers' outcome: what they agree to store, or that they refused. */
async function bothRegister(response: Awaited<ReturnType<SoftAuthenticator['register']>>, expected: string) {
  const opts = {
    response,
    expectedChallenge: expected,
    expectedOrigin: ORIGIN,
    expectedRPID: RPID,
    requireUserVerification: false,
  };
  const theirs = await simple.verifyRegistrationResponse(opts).then(
    (r) => (r.verified ? r.registrationInfo : false),
    () => false as const,
  );
  const mine = await ours.verifyRegistrationResponse(opts).catch(() => false as const);
  return { theirs, mine };
}

describe('the same options JSON as SimpleWebAuthn', () => {
  it('registration', async () => {
    const c = challenge();
    const theirs = await simple.generateRegistrationOptions({
      rpName: 'OnePass',
      rpID: RPID,
      userID,
      userName: 'reader@example.com',
      userDisplayName: 'reader@example.com',
      challenge: c,
      excludeCredentials: [{ id: 'AAECAw', transports: ['internal'] }],
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    expect(creationOptions(c)).toEqual(theirs);
  });

  it('authentication (discoverable: no allowCredentials)', async () => {
    const c = challenge();
    const theirs = await simple.generateAuthenticationOptions({
      rpID: RPID,
      challenge: c,
      userVerification: 'preferred',
    });
    expect(ours.generateAuthenticationOptions({ rpID: RPID, challenge: c })).toEqual(
      JSON.parse(JSON.stringify(theirs)),
    );
  });
});

describe.each<Alg>(['ES256', 'EdDSA', 'RS256'])('%s: the same verdicts as SimpleWebAuthn', (alg) => {
  it('accepts an honest registration alike (none and packed self attestation), storing the same', async () => {
    for (const attestation of ['none', 'packed-self'] as const) {
      const auth = new SoftAuthenticator(ORIGIN, alg);
      const c = challenge();
      const { theirs, mine } = await bothRegister(
        await auth.register(creationOptions(c), { attestation }),
        base64url(c),
      );
      expect(theirs).not.toBe(false);
      expect(mine).not.toBe(false);
      if (!theirs || !mine) return;
      expect(mine.credential.id).toBe(theirs.credential.id);
      expect(mine.credential.publicKey).toEqual(new Uint8Array(theirs.credential.publicKey));
      expect(mine.credential.counter).toBe(theirs.credential.counter);
      expect(mine.credential.transports).toEqual(theirs.credential.transports);
      expect([mine.fmt, mine.aaguid, mine.userVerified]).toEqual([
        theirs.fmt,
        theirs.aaguid,
        theirs.userVerified,
      ]);
      expect([mine.credentialDeviceType, mine.credentialBackedUp]).toEqual([
        theirs.credentialDeviceType,
        theirs.credentialBackedUp,
      ]);
    }
  });

  const bentRegistrations: [string, Bend][] = [
    ['another origin', { origin: 'https://evil.example' }],
    ['another RP id', { rpID: 'evil.example' }],
    ['another challenge', { challenge: base64url(challenge()) }],
    ['an assertion type', { type: 'webauthn.get' }],
    ['nobody present', { flags: FLAG.UV | FLAG.AT }],
    ['backed up but single-device', { flags: FLAG.UP | FLAG.AT | FLAG.BS }],
  ];
  it.each(bentRegistrations)('refuses a registration with %s alike', async (_what, bend) => {
    const auth = new SoftAuthenticator(ORIGIN, alg);
    const c = challenge();
    expect(await bothRegister(await auth.register(creationOptions(c), bend), base64url(c))).toEqual({
      theirs: false,
      mine: false,
    });
  });

  it('verifies assertions alike: the honest one, and every bent or forged one refused', async () => {
    const auth = new SoftAuthenticator(ORIGIN, alg);
    const c = challenge();
    const registered = await ours.verifyRegistrationResponse({
      response: await auth.register(creationOptions(c)),
      expectedChallenge: base64url(c),
      expectedOrigin: ORIGIN,
      expectedRPID: RPID,
      requireUserVerification: false,
    });
    const credential = {
      ...registered.credential,
      publicKey: new Uint8Array(registered.credential.publicKey),
      counter: 3,
    };
    const attempt = async (
      bend: Bend,
      tamper?: (r: Awaited<ReturnType<SoftAuthenticator['authenticate']>>) => void,
    ) => {
      const ch = challenge();
      const response = await auth.authenticate({ challenge: base64url(ch), rpId: RPID }, undefined, bend);
      tamper?.(response);
      const opts = {
        response,
        expectedChallenge: base64url(ch),
        expectedOrigin: ORIGIN,
        expectedRPID: RPID,
        credential,
        requireUserVerification: false,
      };
      const theirs = await simple.verifyAuthenticationResponse(opts).then(
        (r) => r.verified && r.authenticationInfo.newCounter,
        () => false as const,
      );
      const mine = await ours.verifyAuthenticationResponse(opts).then(
        (r) => r.newCounter,
        () => false as const,
      );
      return { theirs, mine };
    };
    expect(await attempt({ counter: 7 })).toEqual({ theirs: 7, mine: 7 });
    const refused = { theirs: false, mine: false };
    expect(await attempt({ counter: 3 })).toEqual(refused);
    expect(await attempt({ counter: 7, origin: 'https://evil.example' })).toEqual(refused);
    expect(await attempt({ counter: 7, rpID: 'evil.example' })).toEqual(refused);
    expect(await attempt({ counter: 7, type: 'webauthn.create' })).toEqual(refused);
    expect(await attempt({ counter: 7, flags: FLAG.UV })).toEqual(refused);
    expect(
      await attempt({ counter: 7 }, (r) => {
        const sig = Uint8Array.from(atob(r.response.signature.replace(/-/g, '+').replace(/_/g, '/')), (ch) =>
          ch.charCodeAt(0),
        );
        sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 1;
        r.response.signature = base64url(sig);
      }),
    ).toEqual(refused);
  });
});

describe('the CBOR decoder refuses what authenticators never send', () => {
  it.each([
    ['indefinite lengths', [0x5f, 0x41, 0x00, 0xff]],
    ['tags', [0xc1, 0x00]],
    ['floats', [0xf9, 0x3c, 0x00]],
    ['duplicate map keys', [0xa2, 0x01, 0x00, 0x01, 0x00]],
    ['bytes left over', [0x00, 0x00]],
    ['a truncated item', [0x42, 0x00]],
  ])('%s', (_what, bytes) => {
    expect(() => decodeCbor(new Uint8Array(bytes))).toThrow(/CBOR/);
  });

  it('and decodes a COSE-shaped map', () => {
    expect(decodeCbor(new Uint8Array([0xa2, 0x01, 0x02, 0x20, 0x41, 0x07]))).toEqual(
      new Map<number, unknown>([
        [1, 2],
        [-1, new Uint8Array([7])],
      ]),
    );
  });
});

describe('passkey sign-in spends the per-IP sign-in budget (LIMIT_SIGNIN_IP)', () => {
  let door: NodeDoor;
  beforeAll(async () => {
    door = await startNodeDoor({ LIMIT_SIGNIN_IP: '5/15m' });
  });
  afterAll(() => door.close());

  it('one unit per options call, one more per failed verification; a success gives its unit back', async () => {
    const ip = { 'x-forwarded-for': '203.0.113.7' };
    const token = (
      await door.call('POST', '/v1/readers', {
        body: { email: 'budget@example.com', password: 'pass phrase 1' },
      })
    ).json.session_token;
    const auth = new SoftAuthenticator(new URL(door.base).origin);
    const reg = await door.call('POST', '/v1/me/passkeys/options', { token });
    const added = await door.call('POST', '/v1/me/passkeys', {
      token,
      body: { response: await auth.register(reg.json) },
    });
    expect(added.status).toBe(201);
    const signIn = async (bend: Bend = {}) => {
      const options = await door.call('POST', '/v1/sign-in/passkey/options', { headers: ip });
      if (options.status !== 200) return options.status;
      const response = await auth.authenticate(options.json, undefined, bend);
      return (await door.call('POST', '/v1/sign-in/passkey', { headers: ip, body: { response } })).status;
    };
    expect(await signIn()).toBe(200); // 1 unit (its options)
    expect(await signIn({ origin: 'https://evil.example' })).toBe(401); // 3
    expect(await signIn({ origin: 'https://evil.example' })).toBe(401); // 5
    expect(await signIn()).toBe(429); // the options call is refused
    const elsewhere = await door.call('POST', '/v1/sign-in/passkey/options', {
      headers: { 'x-forwarded-for': '203.0.113.8' },
    });
    expect(elsewhere.status).toBe(200);
  });
});
