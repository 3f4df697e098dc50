import { createPrivateKey, sign } from 'node:crypto';
import { base64url, exportJWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
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

/**
 * The node:crypto path reuses its buffers from one token to the next, converts signatures to DER
 * itself, reads the usual payload without JSON.parse and remembers parsed headers. None of that
 * may ever let a token through that a fresh, by-the-book check would refuse.
 */

const clock = makeClock();
const HEADER = { typ: 'entitlement+jwt' };

function segments(token: string): [string, string, string] {
  const [h = '', p = '', s = ''] = token.split('.');
  return [h, p, s];
}

async function staticVerifier(key: TestKey, mode: 'auto' | 'webcrypto'): Promise<EntitlementVerifier> {
  return createEntitlementVerifier({
    issuer: ISSUER,
    publisherId: PUBLISHER_ID,
    jwks: { keys: [key.jwk] },
    now: clock.now,
    crypto: mode,
    // Every check below must reach the signature, never the cache.
    maxCachedTokens: 0,
  });
}

/** ES256 signatures over a fixed payload until `wanted` holds for one (r || s, raw). */
async function tokenWhoseSignature(
  key: TestKey,
  wanted: (signature: Uint8Array) => boolean,
): Promise<string> {
  const jwk = await exportJWK(key.privateKey);
  const privateKey = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  for (let attempt = 0; attempt < 20_000; attempt++) {
    const input = `${encodeJson({ alg: 'ES256', kid: key.kid, ...HEADER })}.${encodeJson(claimsAt(clock.seconds()))}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    if (wanted(signature)) return `${input}.${base64url.encode(signature)}`;
  }
  throw new Error('no such signature found');
}

describe.each(['auto', 'webcrypto'] as const)('with crypto: %s', (mode) => {
  it('refuses a signature carried over from the token checked just before, at every length', async () => {
    const key = await makeKey();
    const v = await staticVerifier(key, mode);
    const tokens = await Promise.all(
      ['', 'x', 'xyz', 'a-much-longer-article-identifier', ''].map((article, i) =>
        signToken(key, claimsAt(clock.seconds(), article === '' ? { jti: `tok_${i}` } : { article })),
      ),
    );
    for (const [i, token] of tokens.entries()) {
      const previous = tokens[(i + tokens.length - 1) % tokens.length] ?? '';
      const [h, p] = segments(token);
      await expect(v.verify(previous)).resolves.toBeDefined();
      // Same header, this token's payload, the previous token's (valid, just checked) signature.
      await expectCode(v.verify(`${h}.${p}.${segments(previous)[2]}`), 'invalid_signature');
      // The previous token's payload (another length) under this token's signature.
      await expectCode(v.verify(`${h}.${segments(previous)[1]}.${segments(token)[2]}`), 'invalid_signature');
      await expect(v.verify(token)).resolves.toMatchObject({ jti: expect.any(String) });
    }
  });

  it('refuses a token that differs from a good one only by a character beyond ASCII', async () => {
    const key = await makeKey();
    const v = await staticVerifier(key, mode);
    const good = await signToken(key, claimsAt(clock.seconds()));
    const [h, p, s] = segments(good);

    await expect(v.verify(good)).resolves.toBeDefined();
    // Same length in UTF-16 as the good token, longer in UTF-8: offsets must not drift into
    // the good token's bytes.
    for (const odd of ['é', '\u0100', '\u2028', '\ud83d', '\u00ff']) {
      await expectCode(v.verify(`${h}.${odd}${p.slice(1)}.${s}`), 'malformed');
      await expectCode(v.verify(`${h}.${p.slice(0, -1)}${odd}.${s}`), 'malformed');
      await expectCode(v.verify(`${h}.${p}.${odd}${s.slice(1)}`), 'malformed');
      await expectCode(v.verify(`${odd}${h.slice(1)}.${p}.${s}`), 'malformed');
    }
    await expect(v.verify(good)).resolves.toBeDefined();
  });

  it('accepts signatures whose r or s has leading zero bytes or its top bit set', async () => {
    const key = await makeKey();
    const v = await staticVerifier(key, mode);
    const cases = [
      (sig: Uint8Array) => sig[0] === 0,
      (sig: Uint8Array) => sig[32] === 0,
      (sig: Uint8Array) => (sig[0] ?? 0) >= 0x80 && (sig[32] ?? 0) >= 0x80,
      (sig: Uint8Array) => (sig[0] ?? 0) < 0x80 && (sig[32] ?? 0) < 0x80,
    ];
    for (const wanted of cases) {
      const token = await tokenWhoseSignature(key, wanted);
      await expect(v.verify(token)).resolves.toBeDefined();
      // Flip one bit of r, then of s: always refused.
      const signature = base64url.decode(segments(token)[2]);
      for (const at of [0, 31, 32, 63]) {
        const bad = Uint8Array.from(signature);
        bad[at] = (bad[at] ?? 0) ^ 1;
        const [h, p] = segments(token);
        await expectCode(v.verify(`${h}.${p}.${base64url.encode(bad)}`), 'invalid_signature');
      }
    }
  });

  it('refuses degenerate signatures: r or s zero, equal to the group order, or all ones', async () => {
    const key = await makeKey();
    const v = await staticVerifier(key, mode);
    const good = await signToken(key, claimsAt(clock.seconds()));
    const [h, p, s] = segments(good);
    const signature = base64url.decode(s);
    const order = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
    const forged = [
      new Uint8Array([...new Uint8Array(32), ...signature.slice(32)]),
      new Uint8Array([...signature.slice(0, 32), ...new Uint8Array(32)]),
      new Uint8Array([...order, ...signature.slice(32)]),
      new Uint8Array([...signature.slice(0, 32), ...order]),
      new Uint8Array(64).fill(0xff),
      new Uint8Array([...signature.slice(32), ...signature.slice(0, 32)]),
    ];
    for (const bad of forged) {
      await expectCode(v.verify(`${h}.${p}.${base64url.encode(bad)}`), 'invalid_signature');
    }
    await expect(v.verify(good)).resolves.toBeDefined();
  });

  it('reads payloads laid out unlike the issuer writes them exactly as JSON.parse does', async () => {
    const key = await makeKey();
    const v = await staticVerifier(key, mode);
    const claims = claimsAt(clock.seconds());
    const texts: [string, Record<string, unknown>][] = [
      // Whitespace, an escape in sub, a repeated membership (the last one counts in JSON).
      [
        `{ "iss" : ${JSON.stringify(ISSUER)},\n"aud":${JSON.stringify(PUBLISHER_ID)}, "sub":"a\\u0062c", "iat":${claims.iat}, "exp":${claims.exp}, "jti":"j", "scope":"full_text", "membership":"trial", "membership":"paid", "entitled_until":${claims.entitled_until} }`,
        { sub: 'abc', membership: 'paid' },
      ],
      // The aud as a list, and an extra nested claim.
      [
        JSON.stringify({ ...claims, aud: ['pub_other', PUBLISHER_ID], extra: { nested: [1, 2] } }),
        { aud: ['pub_other', PUBLISHER_ID] },
      ],
      // A repeated membership whose last value is not a membership at all.
      [`${JSON.stringify(claims).slice(0, -1)},"membership":"gold"}`, { refused: 'malformed' }],
    ];
    for (const [text, expected] of texts) {
      const input = `${encodeJson({ alg: 'ES256', kid: key.kid, ...HEADER })}.${base64url.encode(text)}`;
      const signature = await crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        key.privateKey,
        new TextEncoder().encode(input),
      );
      const token = `${input}.${base64url.encode(new Uint8Array(signature))}`;
      if ('refused' in expected) {
        await expectCode(v.verify(token), expected.refused as 'malformed');
      } else {
        await expect(v.verify(token)).resolves.toMatchObject(expected);
      }
    }
  });
});

describe('the remembered header', () => {
  it('never stands in for the checks of a different header, even with the same kid', async () => {
    const key = await makeKey();
    const v = await staticVerifier(key, 'auto');
    const good = await signToken(key, claimsAt(clock.seconds()));
    await expect(v.verify(good)).resolves.toBeDefined();

    // Signed by our own key, so that only the header checks can refuse them.
    const payload = claimsAt(clock.seconds());
    const cases: [Record<string, unknown>, 'invalid_signature' | 'malformed'][] = [
      [{ alg: 'HS256', kid: key.kid, typ: 'entitlement+jwt' }, 'invalid_signature'],
      [{ alg: 'none', kid: key.kid, typ: 'entitlement+jwt' }, 'invalid_signature'],
      [{ alg: 'ES256', kid: key.kid, typ: 'JWT' }, 'malformed'],
      [{ alg: 'ES256', kid: key.kid }, 'malformed'],
      [{ alg: 'ES256', kid: key.kid, typ: 'entitlement+jwt', crit: ['exp'] }, 'malformed'],
    ];
    for (const [header, code] of cases) {
      await expectCode(v.verify(await signRaw(key.privateKey, header, payload)), code);
      // And again, now that the good header was the last one seen.
      await expect(v.verify(good)).resolves.toBeDefined();
    }
  });

  it('never stands in for a signature: same header, tampered payload or signature', async () => {
    const key = await makeKey();
    const v = await staticVerifier(key, 'auto');
    const good = await signToken(key, claimsAt(clock.seconds(), { membership: 'trial' }));
    const [h, p, s] = segments(good);
    await expect(v.verify(good)).resolves.toBeDefined();

    const upgraded = encodeJson({
      ...JSON.parse(Buffer.from(p, 'base64url').toString()),
      membership: 'paid',
    });
    await expectCode(v.verify(`${h}.${upgraded}.${s}`), 'invalid_signature');
    const flipped = s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`;
    await expectCode(v.verify(`${h}.${p}.${flipped}`), 'invalid_signature');
  });
});

describe('a verification waiting for the JWKS', () => {
  let jwks: JwksServer | undefined;
  afterEach(async () => {
    await jwks?.close();
  });

  it('keeps its own buffers while other tokens are checked on the fast path meanwhile', async () => {
    const [first, rotated] = await Promise.all([makeKey(), makeKey()]);
    jwks = await startJwksServer([first.jwk]);
    const v = createEntitlementVerifier({
      issuer: ISSUER,
      publisherId: PUBLISHER_ID,
      jwksUrl: jwks.url,
      now: clock.now,
      maxCachedTokens: 0,
    });
    const known = await signToken(first, claimsAt(clock.seconds()));
    await expect(v.verify(known)).resolves.toBeDefined();
    jwks.setKeys([first.jwk, rotated.jwk]);

    // Both wait for the refetch the new kid triggers; the forgery carries a valid signature of
    // another token of the same length.
    const genuine = await signToken(rotated, claimsAt(clock.seconds(), { jti: 'tok_genuine' }));
    const other = await signToken(rotated, claimsAt(clock.seconds(), { jti: 'tok_another' }));
    const forged = `${segments(genuine)[0]}.${segments(genuine)[1]}.${segments(other)[2]}`;
    // The expectations attach at once: the forgery may be refused while the loop below runs,
    // and a refusal with no handler yet would be an unhandled rejection.
    const genuineAccepted = expect(v.verify(genuine)).resolves.toMatchObject({ jti: 'tok_genuine' });
    const forgeryRefused = expectCode(v.verify(forged), 'invalid_signature');
    // Meanwhile the fast path fills its buffers with other tokens, good and bad.
    const others = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signToken(first, claimsAt(clock.seconds(), { jti: `tok_${i}` }))),
    );
    for (const token of others) {
      await expect(v.verify(token)).resolves.toBeDefined();
      await expectCode(
        v.verify(`${segments(token)[0]}.${segments(token)[1]}.${segments(genuine)[2]}`),
        'invalid_signature',
      );
    }

    await genuineAccepted;
    await forgeryRefused;
  });
});

describe('a verification that starts a background refresh', () => {
  let jwks: JwksServer | undefined;
  afterEach(async () => {
    await jwks?.close();
  });

  it('keeps its own token when the waitUntil hook verifies another one on the spot', async () => {
    const key = await makeKey();
    jwks = await startJwksServer([key.jwk]);
    const ownClock = makeClock();
    const v = createEntitlementVerifier({
      issuer: ISSUER,
      publisherId: PUBLISHER_ID,
      jwksUrl: jwks.url,
      now: ownClock.now,
      jwksMaxAgeSeconds: 60,
      maxCachedTokens: 0,
    });
    await expect(v.verify(await signToken(key, claimsAt(ownClock.seconds())))).resolves.toBeDefined();
    ownClock.advanceSeconds(61);

    const outer = await signToken(
      key,
      claimsAt(ownClock.seconds(), { jti: 'tok_outer', membership: 'trial' }),
    );
    // The same length and header, another payload, and a signature that is not its own.
    const [h, p, s] = segments(outer);
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${encodeJson({ ...payload, jti: 'tok_forge', membership: 'grace' })}.${s}`;
    expect(forged.length).toBe(outer.length);

    let inner: Promise<void> | undefined;
    const claims = await v.verify(outer, {
      waitUntil: (refresh) => {
        // The expectation attaches at once, so the refusal is never an unhandled rejection.
        inner = expectCode(v.verify(forged), 'invalid_signature');
        void refresh;
      },
    });

    expect(inner).toBeDefined();
    expect(claims).toMatchObject({ jti: 'tok_outer', membership: 'trial' });
    await inner;
  });
});
