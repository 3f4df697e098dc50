import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEntitlementVerifier, type EntitlementVerifierOptions } from '../src/index.js';
import {
  claimsAt,
  expectCode,
  ISSUER,
  type JwksServer,
  makeClock,
  makeKey,
  PUBLISHER_ID,
  rejectionOf,
  signToken,
  startJwksServer,
  type TestKey,
} from './fixtures.js';

let ours: TestKey;
let next: TestKey;
let stranger: TestKey;

beforeAll(async () => {
  [ours, next, stranger] = await Promise.all([makeKey(), makeKey(), makeKey()]);
});

const servers: JwksServer[] = [];

async function serve(...keys: TestKey[]): Promise<JwksServer> {
  const server = await startJwksServer(keys.map((key) => key.jwk));
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  vi.restoreAllMocks();
});

function verifierFor(
  server: JwksServer,
  clock: ReturnType<typeof makeClock>,
  options: Partial<EntitlementVerifierOptions> = {},
) {
  return createEntitlementVerifier({
    issuer: ISSUER,
    publisherId: PUBLISHER_ID,
    jwksUrl: server.url,
    now: clock.now,
    ...options,
  });
}

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

describe('the JWKS', () => {
  it('is fetched once for concurrent first verifications', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => signToken(ours, claimsAt(clock.seconds()))),
    );

    await Promise.all(tokens.map((token) => verifier.verify(token)));

    expect(server.requests()).toBe(1);
  });

  it('picks up a rotated key (new kid) with exactly one refetch', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    server.setKeys([next.jwk, ours.jwk]);

    await verifier.verify(await signToken(next, claimsAt(clock.seconds())));
    await verifier.verify(await signToken(next, claimsAt(clock.seconds())));
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));

    expect(server.requests()).toBe(2);
  });

  it('refetches for unknown kids at most once per cooldown', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));

    for (let i = 0; i < 20; i++) {
      const token = await signToken(stranger, claimsAt(clock.seconds()), { kid: `random-${i}` });
      await expectCode(verifier.verify(token), 'unknown_key');
      clock.advanceSeconds(1);
    }
    expect(server.requests()).toBe(2);

    clock.advanceSeconds(11);
    await expectCode(
      verifier.verify(await signToken(stranger, claimsAt(clock.seconds()), { kid: 'random-again' })),
      'unknown_key',
    );
    expect(server.requests()).toBe(3);
  });

  it('is refreshed once in the background after its max age, while the cached keys keep working', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    server.setKeys([next.jwk]);
    clock.advanceSeconds(301);

    // Answered with the cached key while the refresh runs.
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    // Waits for that same refresh rather than starting another.
    await verifier.verify(await signToken(next, claimsAt(clock.seconds())));
    expect(server.requests()).toBe(2);

    // The removed key now costs one (rate-limited) refetch, then stays refused.
    await expectCode(verifier.verify(await signToken(ours, claimsAt(clock.seconds()))), 'unknown_key');
    await expectCode(verifier.verify(await signToken(ours, claimsAt(clock.seconds()))), 'unknown_key');
    expect(server.requests()).toBe(3);
  });

  it('keeps verifying with the cached keys when the endpoint goes down', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    await server.close();

    for (let i = 0; i < 5; i++) {
      clock.advanceSeconds(400);
      const claims = claimsAt(clock.seconds());
      await expect(verifier.verify(await signToken(ours, claims))).resolves.toEqual(claims);
    }
  });

  it('retries a failing endpoint once per cooldown, never once per request', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    server.setMode('error');
    clock.advanceSeconds(301);

    for (let i = 0; i < 10; i++) {
      await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    }
    await vi.waitFor(() => expect(server.requests()).toBe(2));
    for (let i = 0; i < 10; i++) {
      await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    }
    expect(server.requests()).toBe(2);

    clock.advanceSeconds(31);
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    await vi.waitFor(() => expect(server.requests()).toBe(3));
  });

  it('hands the background refresh to waitUntil, and survives a broken waitUntil', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    server.setKeys([next.jwk, ours.jwk]);
    clock.advanceSeconds(301);
    const handed: Promise<unknown>[] = [];

    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())), {
      waitUntil: (promise) => handed.push(promise),
    });
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())), {
      waitUntil: (promise) => handed.push(promise),
    });

    expect(handed).toHaveLength(1);
    await handed[0];
    await verifier.verify(await signToken(next, claimsAt(clock.seconds())));
    expect(server.requests()).toBe(2);

    clock.advanceSeconds(301);
    const broken = {
      waitUntil: () => {
        throw new TypeError('Illegal invocation');
      },
    };
    await expect(
      verifier.verify(await signToken(ours, claimsAt(clock.seconds())), broken),
    ).resolves.toBeDefined();
  });

  it('gives up on a JWKS fetch the runtime dropped instead of waiting for it forever', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    let calls = 0;
    const verifier = verifierFor(server, clock, {
      // The second fetch never settles, as when Workers cancel the I/O of a finished request.
      fetch: (_input, init) => {
        calls += 1;
        return calls === 2 ? new Promise<Response>(() => {}) : fetch(server.url, init);
      },
    });
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    server.setKeys([next.jwk]);
    clock.advanceSeconds(301);
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    expect(calls).toBe(2);

    clock.advanceSeconds(16);
    await expect(verifier.verify(await signToken(next, claimsAt(clock.seconds())))).resolves.toBeDefined();
    expect(calls).toBe(3);
  });

  it('refuses with unknown_key and a clear message when no keys could ever be loaded, without spinning', async () => {
    const server = await serve(ours);
    server.setMode('error');
    const clock = makeClock();
    const verifier = verifierFor(server, clock);
    const token = await signToken(ours, claimsAt(clock.seconds()));

    const error = await rejectionOf(verifier.verify(token));
    expect(error.code).toBe('unknown_key');
    expect(error.message).toContain(server.url);
    expect(error.message).toContain('HTTP 503');
    await expectCode(verifier.verify(token), 'unknown_key');
    expect(server.requests()).toBe(1);

    server.setMode('ok');
    clock.advanceSeconds(30);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    expect(server.requests()).toBe(2);
  });

  it('ignores keys it cannot use and never imports private members', async () => {
    const server = await serve(ours);
    server.setKeys([
      { kty: 'oct', k: 'c2VjcmV0', kid: 'symmetric' },
      { ...next.jwk, kid: 'encryption-only', use: 'enc' },
      { ...next.jwk, kid: 'other-alg', alg: 'ES384' },
      { kty: 'EC', crv: 'P-256', kid: 'broken', x: 'AAAA', y: 'AAAA' },
      { ...ours.jwk, d: 'bm90LWEtcmVhbC1wcml2YXRlLWtleQ' },
    ]);
    const clock = makeClock();

    await expect(
      verifierFor(server, clock).verify(await signToken(ours, claimsAt(clock.seconds()))),
    ).resolves.toBeDefined();
  });

  it('goes through an injected fetch, e.g. a Worker service binding', async () => {
    const server = await serve(ours);
    const clock = makeClock();
    const seen: string[] = [];
    const verifier = verifierFor(server, clock, {
      jwksUrl: 'http://paywall.internal/.well-known/jwks.json',
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(server.url, init);
      },
    });

    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));

    expect(seen).toEqual(['http://paywall.internal/.well-known/jwks.json']);
  });

  it('never fetches when given static keys', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const clock = makeClock();
    const verifier = createEntitlementVerifier({
      issuer: ISSUER,
      publisherId: PUBLISHER_ID,
      jwks: { keys: [ours.jwk] },
      now: clock.now,
    });

    await expect(verifier.verify(await signToken(ours, claimsAt(clock.seconds())))).resolves.toBeDefined();
    await expectCode(verifier.verify(await signToken(next, claimsAt(clock.seconds()))), 'unknown_key');
    expect(fetchSpy).not.toHaveBeenCalled();
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
