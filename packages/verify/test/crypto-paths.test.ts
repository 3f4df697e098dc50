import { describe, expect, it } from 'vitest';
import { createEntitlementVerifier } from '../src/index.js';
import {
  claimsAt,
  expectCode,
  ISSUER,
  makeClock,
  makeKey,
  PUBLISHER_ID,
  signRaw,
  signToken,
} from './fixtures';

/**
 * On Node the verifier checks signatures with node:crypto (synchronous, the fast path); with
 * `crypto: 'webcrypto'` it uses crypto.subtle, the path of runtimes without node:crypto. Both must
 * give the same verdicts.
 */
describe.each(['auto', 'webcrypto'] as const)('signature checks with crypto: %s', (mode) => {
  it('accepts a good token and refuses forgeries with the same codes', async () => {
    const key = await makeKey();
    const other = await makeKey();
    const clock = makeClock();
    const verifier = createEntitlementVerifier({
      issuer: ISSUER,
      publisherId: PUBLISHER_ID,
      jwks: { keys: [key.jwk] },
      now: clock.now,
      crypto: mode,
    });
    const good = await signToken(key, claimsAt(clock.seconds()));
    expect((await verifier.verify(good)).aud).toBe(PUBLISHER_ID);

    const [h, p, s] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify(claimsAt(clock.seconds(), { membership: 'comp' }))).toString('base64url')}.${s}`;
    await expectCode(verifier.verify(tampered), 'invalid_signature');

    // Our kid, another key's signature.
    const forged = await signRaw(
      other.privateKey,
      { alg: 'ES256', kid: key.kid, typ: 'entitlement+jwt' },
      claimsAt(clock.seconds()),
    );
    await expectCode(verifier.verify(forged), 'invalid_signature');
    await expectCode(verifier.verify(`${h}.${p}.${'A'.repeat(86)}`), 'invalid_signature');
    await expectCode(
      verifier.verify(await signToken(key, claimsAt(clock.seconds(), { aud: 'pub_aaaaaaaaaaaaaaaaaaaa' }))),
      'wrong_audience',
    );
  });
});

it('refuses an unknown crypto mode at setup', () => {
  expect(() =>
    createEntitlementVerifier({
      issuer: ISSUER,
      publisherId: PUBLISHER_ID,
      jwks: { keys: [] },
      crypto: 'fastest' as 'auto',
    }),
  ).toThrow(TypeError);
});
