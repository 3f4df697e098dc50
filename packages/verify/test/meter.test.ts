/**
 * A metered token's meter: the flat `meter_*` claims reach the caller as `claims.meter`, on the
 * fast path and through JSON.parse alike, and a token with part of a meter is refused.
 */
import { describe, expect, it } from 'vitest';
import { createEntitlementVerifier } from '../src/index.js';
import { claimsAt, expectCode, ISSUER, makeClock, makeKey, PUBLISHER_ID, signToken } from './fixtures';

const METER = { meter_used: 2, meter_allowance: 3, meter_resets_at: Date.UTC(2026, 6, 1) / 1000 };

async function setup() {
  const key = await makeKey();
  const clock = makeClock();
  const verifier = createEntitlementVerifier({
    issuer: ISSUER,
    publisherId: PUBLISHER_ID,
    jwks: { keys: [key.jwk] },
    now: clock.now,
  });
  return { key, clock, verifier };
}

describe('metered tokens', () => {
  it('expose the meter as claims.meter, frozen', async () => {
    const { key, clock, verifier } = await setup();
    const token = await signToken(
      key,
      claimsAt(clock.seconds(), { membership: 'meter', article: 'night-buses', ...METER }),
    );
    const claims = await verifier.verify(token);
    expect(claims.membership).toBe('meter');
    expect(claims.meter).toEqual({ used: 2, allowance: 3, resets_at: METER.meter_resets_at });
    expect(Object.isFrozen(claims.meter)).toBe(true);
  });

  it('read the same when the payload needs JSON.parse (an escape in a string)', async () => {
    const { key, clock, verifier } = await setup();
    const token = await signToken(
      key,
      claimsAt(clock.seconds(), { membership: 'meter', article: 'caf\u00e9 "quoted"', ...METER }),
    );
    const claims = await verifier.verify(token);
    expect(claims.article).toBe('caf\u00e9 "quoted"');
    expect(claims.meter?.used).toBe(2);
  });

  it('carry no meter when the token has none', async () => {
    const { key, clock, verifier } = await setup();
    const claims = await verifier.verify(await signToken(key, claimsAt(clock.seconds())));
    expect(claims.meter).toBeUndefined();
  });

  it('are refused as malformed with part of a meter or a meter that is not numbers', async () => {
    const { key, clock, verifier } = await setup();
    const partial = await signToken(key, claimsAt(clock.seconds(), { membership: 'meter', meter_used: 1 }));
    await expectCode(verifier.verify(partial), 'malformed');
    const words = await signToken(
      key,
      claimsAt(clock.seconds(), { membership: 'meter', ...METER, meter_allowance: 'three' }),
    );
    await expectCode(verifier.verify(words), 'malformed');
  });
});
