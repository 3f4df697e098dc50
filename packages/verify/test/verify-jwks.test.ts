/** @module The entitlement verifier and the JWKS: fetching, caching, rotation, failures and limits. */
import { describe, expect, it, vi } from 'vitest';
import { createEntitlementVerifier } from '../src/index.js';
import { claimsAt, expectCode, ISSUER, makeClock, PUBLISHER_ID, rejectionOf, signToken } from './fixtures.js';
import { next, ours, serve, stranger, verifierFor } from './verifier-setup.js';

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
