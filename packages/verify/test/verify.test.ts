/** @module The entitlement verifier: good tokens, time, claims, the token cache and misconfiguration. */
import { describe, expect, it } from 'vitest';
import { createEntitlementVerifier, type EntitlementVerifierOptions } from '../src/index.js';
import { claimsAt, expectCode, ISSUER, makeClock, PUBLISHER_ID, signToken } from './fixtures.js';
import { next, ours, serve, stranger, verifierFor } from './verifier-setup.js';

describe('a good token', () => {
  it('returns its claims, frozen, after fetching the JWKS once', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    const claims = claimsAt(clock.seconds(), { article: 'art_42' });

    const verified = await verifier.verify(await signToken(ours, claims));

    expect(verified).toEqual(claims);
    expect(Object.isFrozen(verified)).toBe(true);
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    expect(server.requests()).toBe(1);
  });

  it('takes the JWKS from <issuer>/.well-known/jwks.json by default', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const issuer = `${server.origin}/`;
    const verifier = createEntitlementVerifier({ issuer, publisherId: PUBLISHER_ID, now: clock.now });

    const claims = await verifier.verify(await signToken(ours, claimsAt(clock.seconds(), { iss: issuer })));

    expect(claims.iss).toBe(issuer);
    expect(server.requests()).toBe(1);
  });

  it('accepts an audience list that contains the publisher id', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const aud = ['pub_other', PUBLISHER_ID];

    const claims = await verifierFor(server, clock).verify(
      await signToken(ours, claimsAt(clock.seconds(), { aud })),
    );

    expect(claims.aud).toEqual(aud);
  });

  it('decodes non-ASCII claims as UTF-8', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const claims = claimsAt(clock.seconds(), { article: 'Ünïcödé: 東京の記事 🗞️' });

    await expect(verifierFor(server, clock).verify(await signToken(ours, claims))).resolves.toEqual(claims);
  });

  it('accepts every membership kind', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    for (const membership of ['trial', 'paid', 'grace', 'comp', 'meter', 'gift']) {
      const claims = await verifier.verify(await signToken(ours, claimsAt(clock.seconds(), { membership })));
      expect(claims.membership).toBe(membership);
    }
  });

  it('accepts a metered free article, bound to its article', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const claims = claimsAt(clock.seconds(), { membership: 'meter', article: 'art_free_1' });

    const verified = await verifierFor(server, clock).verify(await signToken(ours, claims));

    expect(verified).toEqual(claims);
    expect(verified.membership).toBe('meter');
    expect(verified.article).toBe('art_free_1');
  });

  it('accepts a redeemed gift', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const claims = claimsAt(clock.seconds(), {
      membership: 'gift',
      entitled_until: clock.seconds() + 7 * 86400,
    });

    const verified = await verifierFor(server, clock).verify(await signToken(ours, claims));

    expect(verified).toEqual(claims);
    expect(verified.membership).toBe('gift');
  });
});
describe('time', () => {
  it('accepts a token expired less than the clock tolerance ago, and refuses one beyond it', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    const now = clock.seconds();

    await expect(
      verifier.verify(await signToken(ours, claimsAt(now - 600, { exp: now - 29 }))),
    ).resolves.toMatchObject({ exp: now - 29 });
    await expectCode(
      verifier.verify(await signToken(ours, claimsAt(now - 600, { exp: now - 30 }))),
      'expired',
    );
    await expectCode(
      verifier.verify(await signToken(ours, claimsAt(now - 900, { exp: now - 300 }))),
      'expired',
    );
  });

  it('honours a smaller clock tolerance', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock, { clockToleranceSeconds: 0 });
    const now = clock.seconds();

    await expectCode(verifier.verify(await signToken(ours, claimsAt(now - 600, { exp: now }))), 'expired');
    await expect(
      verifier.verify(await signToken(ours, claimsAt(now - 600, { exp: now + 1 }))),
    ).resolves.toBeDefined();
  });

  it('refuses a token issued, or valid from, further in the future than the tolerance', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    const now = clock.seconds();

    await expectCode(verifier.verify(await signToken(ours, claimsAt(now + 31))), 'not_yet_valid');
    await expectCode(
      verifier.verify(await signToken(ours, claimsAt(now, { nbf: now + 120 }))),
      'not_yet_valid',
    );
    await expect(verifier.verify(await signToken(ours, claimsAt(now + 30)))).resolves.toBeDefined();
  });
});
describe('claims', () => {
  it.each([
    ['another publisher', 'pub_someone_else'],
    ['a list without us', ['pub_someone_else']],
    ['no aud at all', undefined],
  ])('refuses an audience of %s with wrong_audience', async (_name, aud) => {
    const server = await serve(ours);
    const clock = makeClock();
    const token = await signToken(ours, claimsAt(clock.seconds(), { aud }));

    await expectCode(verifierFor(server, clock).verify(token), 'wrong_audience');
  });

  it.each([
    ['another issuer', 'https://evil.example'],
    ['ours with a trailing slash (exact match)', `${ISSUER}/`],
    ['no iss at all', undefined],
  ])('refuses %s with wrong_issuer', async (_name, iss) => {
    const server = await serve(ours);
    const clock = makeClock();
    const token = await signToken(ours, claimsAt(clock.seconds(), { iss }));

    await expectCode(verifierFor(server, clock).verify(token), 'wrong_issuer');
  });

  it.each([
    ['another scope', { scope: 'metadata' }],
    ['no scope', { scope: undefined }],
    ['an unknown membership', { membership: 'gold' }],
    ['a membership in another case', { membership: 'Gift' }],
    ['a membership that is not a string', { membership: 1 }],
    ['a numeric sub', { sub: 42 }],
    ['no jti', { jti: undefined }],
    ['a string exp', { exp: '2030-01-01T00:00:00Z' }],
    ['no iat', { iat: undefined }],
    ['a string nbf', { nbf: 'soon' }],
    ['no entitled_until', { entitled_until: undefined }],
    ['a numeric article', { article: 7 }],
    ['a non-string in the audience list', { aud: [PUBLISHER_ID, 5] }],
  ])('refuses %s as malformed', async (_name, overrides) => {
    const server = await serve(ours);
    const clock = makeClock();
    const token = await signToken(ours, claimsAt(clock.seconds(), overrides));

    await expectCode(verifierFor(server, clock).verify(token), 'malformed');
  });
});
describe('the token cache', () => {
  it('answers a verified token from memory, even after its key left the JWKS', async () => {
    const server = await serve(ours, next);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    const token = await signToken(ours, claimsAt(clock.seconds()));
    const first = await verifier.verify(token);

    server.setKeys([next.jwk]);
    await expectCode(
      verifier.verify(await signToken(stranger, claimsAt(clock.seconds()), { kid: 'forces-a-refetch' })),
      'unknown_key',
    );
    expect(server.requests()).toBe(2);

    expect(await verifier.verify(token)).toBe(first);
    // A token that is not cached does need the key, which is gone.
    await expectCode(verifier.verify(await signToken(ours, claimsAt(clock.seconds()))), 'unknown_key');
  });

  it('is bounded: the oldest token is forgotten and verified again', async () => {
    const server = await serve(ours, next);
    const clock = makeClock();
    const verifier = verifierFor(server, clock, { maxCachedTokens: 3 });
    const oldest = await signToken(ours, claimsAt(clock.seconds()));
    await verifier.verify(oldest);
    let newest = '';
    for (let i = 0; i < 5; i++) {
      newest = await signToken(next, claimsAt(clock.seconds()));
      await verifier.verify(newest);
    }
    const newestClaims = await verifier.verify(newest);

    server.setKeys([next.jwk]);
    await expectCode(
      verifier.verify(await signToken(stranger, claimsAt(clock.seconds()), { kid: 'forces-a-refetch' })),
      'unknown_key',
    );

    await expectCode(verifier.verify(oldest), 'unknown_key');
    expect(await verifier.verify(newest)).toBe(newestClaims);
  });

  it('stops accepting a cached token once it expires', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    const now = clock.seconds();
    const token = await signToken(ours, claimsAt(now, { exp: now + 60 }));
    const first = await verifier.verify(token);

    clock.advanceSeconds(60 + 29);
    expect(await verifier.verify(token)).toBe(first);
    clock.advanceSeconds(1);
    await expectCode(verifier.verify(token), 'expired');
    await expectCode(verifier.verify(token), 'expired');
  });

  it('can be turned off', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock, { maxCachedTokens: 0 });
    const token = await signToken(ours, claimsAt(clock.seconds()));

    const first = await verifier.verify(token);
    const second = await verifier.verify(token);

    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });
});
describe('misconfiguration', () => {
  const base = { issuer: ISSUER, publisherId: PUBLISHER_ID };

  it.each([
    ['a clock tolerance over 60 s', { ...base, clockToleranceSeconds: 61 }],
    ['a negative clock tolerance', { ...base, clockToleranceSeconds: -1 }],
    ['a missing issuer', { publisherId: PUBLISHER_ID }],
    ['an empty issuer', { ...base, issuer: '' }],
    ['a missing publisher id', { issuer: ISSUER }],
    ['a publisher id without the pub_ prefix', { ...base, publisherId: 'acme-news' }],
    ['a bare pub_ prefix', { ...base, publisherId: 'pub_' }],
    ['a JWKS URL that is not a URL', { ...base, jwksUrl: 'jwks.json' }],
    [
      'a plain-http JWKS URL on a remote host',
      { ...base, jwksUrl: 'http://paywall.example/.well-known/jwks.json' },
    ],
    ['an issuer that yields no JWKS URL', { ...base, issuer: 'paywall' }],
    ['a fractional cache size', { ...base, maxCachedTokens: 1.5 }],
    ['a negative cache size', { ...base, maxCachedTokens: -1 }],
    ['a negative JWKS max age', { ...base, jwksMaxAgeSeconds: -5 }],
    ['a cooldown that is not a number', { ...base, unknownKidCooldownSeconds: Number.NaN }],
    ['static keys with a JWKS URL', { ...base, jwks: { keys: [] }, jwksUrl: 'https://paywall.example/jwks' }],
    ['static keys without a usable key', { ...base, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }],
    ['a now that is not a function', { ...base, now: 1_700_000_000_000 }],
  ])('throws a TypeError at creation for %s', (_name, options) => {
    expect(() => createEntitlementVerifier(options as unknown as EntitlementVerifierOptions)).toThrow(
      TypeError,
    );
  });

  it('accepts the boundary clock tolerances 0 and 60', () => {
    expect(() => createEntitlementVerifier({ ...base, clockToleranceSeconds: 0 })).not.toThrow();
    expect(() => createEntitlementVerifier({ ...base, clockToleranceSeconds: 60 })).not.toThrow();
  });
});
