import { createHmac } from 'node:crypto';
import { base64url } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEntitlementVerifier, type EntitlementVerifier } from '../src/index.js';
import {
  claimsAt,
  encodeJson,
  expectCode,
  ISSUER,
  type JwksServer,
  makeClock,
  makeKey,
  PUBLISHER_ID,
  signRaw,
  signToken,
  startJwksServer,
  type TestKey,
} from './fixtures.js';

let ours: TestKey;
let attacker: TestKey;
let jwks: JwksServer;
let attackerJwks: JwksServer;
let verifier: EntitlementVerifier;
const clock = makeClock();

beforeAll(async () => {
  [ours, attacker] = await Promise.all([makeKey(), makeKey()]);
  attackerJwks = await startJwksServer([attacker.jwk, { ...attacker.jwk, kid: ours.kid }]);
  return () => attackerJwks.close();
});

// A fresh verifier and JWKS per test, so that no cache or cooldown carries over.
afterEach(async () => {
  await jwks.close();
});

async function freshVerifier(): Promise<EntitlementVerifier> {
  jwks = await startJwksServer([ours.jwk]);
  verifier = createEntitlementVerifier({
    issuer: ISSUER,
    publisherId: PUBLISHER_ID,
    jwksUrl: jwks.url,
    now: clock.now,
  });
  // Loaded up front, so that a refusal below is never just a JWKS hiccup.
  await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
  return verifier;
}

function header(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { alg: 'ES256', kid: ours.kid, typ: 'entitlement+jwt', ...overrides };
}

function replaceSegment(token: string, index: number, segment: string): string {
  const parts = token.split('.');
  parts[index] = segment;
  return parts.join('.');
}

describe('algorithm confusion', () => {
  it('refuses alg none with an empty signature', async () => {
    const v = await freshVerifier();
    const token = `${encodeJson(header({ alg: 'none' }))}.${encodeJson(claimsAt(clock.seconds()))}.`;

    await expectCode(v.verify(token), 'invalid_signature');
  });

  // Signed by our own key with ES256: only the pinned algorithm, not the signature, can refuse these.
  it.each(['none', 'None', 'HS256', 'ES384', 'RS256', 'EdDSA', 'es256'])(
    'refuses alg %s even over a valid ES256 signature',
    async (alg) => {
      const v = await freshVerifier();
      const token = await signRaw(ours.privateKey, header({ alg }), claimsAt(clock.seconds()));

      await expectCode(v.verify(token), 'invalid_signature');
    },
  );

  it('refuses HS256 signed with our public key as the HMAC secret', async () => {
    const v = await freshVerifier();
    const signingInput = `${encodeJson(header({ alg: 'HS256' }))}.${encodeJson(claimsAt(clock.seconds()))}`;
    for (const secret of [JSON.stringify(ours.jwk), JSON.stringify({ keys: [ours.jwk] })]) {
      const mac = createHmac('sha256', secret).update(signingInput).digest();
      await expectCode(v.verify(`${signingInput}.${base64url.encode(mac)}`), 'invalid_signature');
    }
  });
});

describe('signatures', () => {
  it('refuses a tampered payload carrying the original signature', async () => {
    const v = await freshVerifier();
    const claims = claimsAt(clock.seconds(), { membership: 'trial' });
    const good = await signToken(ours, claims);

    for (const tampered of [
      { ...claims, membership: 'paid' },
      { ...claims, exp: clock.seconds() + 86400 },
      { ...claims, sub: 'prw_somebody_else' },
    ]) {
      await expectCode(v.verify(replaceSegment(good, 1, encodeJson(tampered))), 'invalid_signature');
    }
  });

  it('refuses a kid that is not in our JWKS with unknown_key', async () => {
    const v = await freshVerifier();

    await expectCode(
      v.verify(await signToken(ours, claimsAt(clock.seconds()), { kid: 'no-such-key' })),
      'unknown_key',
    );
  });

  it("refuses a token signed with another issuer's key under that key's own kid", async () => {
    const v = await freshVerifier();

    await expectCode(v.verify(await signToken(attacker, claimsAt(clock.seconds()))), 'unknown_key');
  });

  it("refuses a token signed with another issuer's key under our kid", async () => {
    const v = await freshVerifier();
    const forged = await signToken(attacker, claimsAt(clock.seconds()), { kid: ours.kid });

    await expectCode(v.verify(forged), 'invalid_signature');
  });

  it('refuses a signature that is not 64 raw bytes', async () => {
    const v = await freshVerifier();
    const good = await signToken(ours, claimsAt(clock.seconds()));
    const signature = base64url.decode(good.split('.')[2] ?? '');

    // What a DER-encoding library would produce: longer, and not r||s.
    const der = new Uint8Array([
      0x30,
      0x44,
      0x02,
      0x20,
      ...signature.slice(0, 32),
      0x02,
      0x20,
      ...signature.slice(32),
    ]);
    await expectCode(v.verify(replaceSegment(good, 2, base64url.encode(der))), 'invalid_signature');
    await expectCode(
      v.verify(replaceSegment(good, 2, base64url.encode(signature.slice(0, 63)))),
      'invalid_signature',
    );
    await expectCode(
      v.verify(replaceSegment(good, 2, base64url.encode(new Uint8Array(64)))),
      'invalid_signature',
    );
  });

  it('refuses a second spelling of a valid signature (stray low bits in the last character)', async () => {
    const v = await freshVerifier();
    const good = await signToken(ours, claimsAt(clock.seconds()));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(good.slice(-1));
    const respelled = `${good.slice(0, -1)}${alphabet[last ^ 1]}`;

    await expect(v.verify(good)).resolves.toBeDefined();
    await expectCode(v.verify(respelled), 'malformed');
  });
});

describe('headers', () => {
  it.each([
    ['no typ', { typ: undefined }],
    ['typ JWT', { typ: 'JWT' }],
    ['typ in another case', { typ: 'Entitlement+JWT' }],
    ['a crit header', { crit: ['exp'] }],
    ['no kid', { kid: undefined }],
    ['an empty kid', { kid: '' }],
    ['a numeric kid', { kid: 7 }],
    ['an absurdly long kid', { kid: 'k'.repeat(300) }],
  ])('refuses %s as malformed', async (_name, overrides) => {
    const v = await freshVerifier();
    const token = await signRaw(ours.privateKey, header(overrides), claimsAt(clock.seconds()));

    await expectCode(v.verify(token), 'malformed');
  });

  it.each(['jku', 'x5u'])('never fetches keys from a %s header', async (name) => {
    const v = await freshVerifier();
    const before = attackerJwks.requests();
    const pointer = { [name]: attackerJwks.url };

    await expectCode(v.verify(await signToken(attacker, claimsAt(clock.seconds()), pointer)), 'unknown_key');
    await expectCode(
      v.verify(await signToken(attacker, claimsAt(clock.seconds()), { ...pointer, kid: ours.kid })),
      'invalid_signature',
    );
    expect(attackerJwks.requests()).toBe(before);
  });

  it('never trusts a key embedded in the header (jwk, x5c)', async () => {
    const v = await freshVerifier();
    const embedded = {
      kid: ours.kid,
      jwk: { kty: attacker.jwk.kty, crv: attacker.jwk.crv, x: attacker.jwk.x, y: attacker.jwk.y },
      x5c: ['MIIBfake'],
    };

    await expectCode(
      v.verify(await signToken(attacker, claimsAt(clock.seconds()), embedded)),
      'invalid_signature',
    );
  });

  it('still accepts a genuine token that carries a jku header, ignoring it', async () => {
    const v = await freshVerifier();
    const before = attackerJwks.requests();
    const token = await signToken(ours, claimsAt(clock.seconds()), { jku: attackerJwks.url });

    await expect(v.verify(token)).resolves.toBeDefined();
    expect(attackerJwks.requests()).toBe(before);
  });
});

describe('structure', () => {
  it('refuses an oversized token, even a correctly signed one', async () => {
    const v = await freshVerifier();
    const token = await signToken(ours, claimsAt(clock.seconds(), { padding: 'x'.repeat(9000) }));

    await expectCode(v.verify(token), 'malformed');
  });

  it.each([
    ['an empty string', () => ''],
    ['two parts', (good: string) => good.split('.').slice(0, 2).join('.')],
    ['four parts', (good: string) => `${good}.${good.split('.')[2]}`],
    ['a trailing dot', (good: string) => `${good}.`],
    ['non-base64url garbage', () => '!!!.@@@.###'],
    ['garbage in the payload', (good: string) => replaceSegment(good, 1, 'not*base64')],
    ['garbage in the signature', (good: string) => replaceSegment(good, 2, '%%%%')],
    ['padding', (good: string) => `${good.split('.')[0]}==.${good.split('.').slice(1).join('.')}`],
    ['a + in the payload', (good: string) => replaceSegment(good, 1, `+${good.split('.')[1]?.slice(1)}`)],
    ['a / in the signature', (good: string) => replaceSegment(good, 2, `/${good.split('.')[2]?.slice(1)}`)],
    ['whitespace', (good: string) => ` ${good}`],
    ['a header that is not an object', (good: string) => replaceSegment(good, 0, encodeJson(['ES256']))],
    ['a header that is not JSON', (good: string) => replaceSegment(good, 0, base64url.encode('{alg:ES256'))],
  ])('refuses %s as malformed', async (_name, mangle) => {
    const v = await freshVerifier();
    const good = await signToken(ours, claimsAt(clock.seconds()));

    await expectCode(v.verify(mangle(good)), 'malformed');
  });

  it('refuses a correctly signed payload that is not a JSON object', async () => {
    const v = await freshVerifier();

    for (const payload of [null, [1, 2], 'full_text', 42]) {
      await expectCode(v.verify(await signRaw(ours.privateKey, header(), payload)), 'malformed');
    }
  });

  it('refuses a correctly signed payload that is not valid UTF-8', async () => {
    const v = await freshVerifier();
    const json = new TextEncoder().encode(JSON.stringify(claimsAt(clock.seconds(), { sub: 'prw_XX' })));
    // Turn "XX" into a lone continuation byte and an overlong lead byte.
    const at = json.indexOf(0x58);
    json.set([0x80, 0xc0], at);
    const signingInput = `${encodeJson(header())}.${base64url.encode(json)}`;
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      ours.privateKey,
      new TextEncoder().encode(signingInput),
    );

    await expectCode(v.verify(`${signingInput}.${base64url.encode(new Uint8Array(signature))}`), 'malformed');
  });

  it('refuses a value that is not a string', async () => {
    const v = await freshVerifier();

    for (const value of [undefined, null, 42, { token: 'x' }]) {
      await expectCode(v.verify(value as unknown as string), 'malformed');
    }
  });
});
