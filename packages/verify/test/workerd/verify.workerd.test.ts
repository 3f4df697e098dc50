/**
 * The verifier inside workerd, the Cloudflare Workers runtime: with `crypto: 'auto'` (node:crypto is
 * reachable there through nodejs_compat), with `crypto: 'webcrypto'`, and with node:crypto taken
 * away, which is what a Worker without nodejs_compat has: WebCrypto only.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EntitlementVariables, entitlement } from '../../src/hono.js';
import {
  createEntitlementVerifier,
  EntitlementError,
  type EntitlementErrorCode,
  type EntitlementVerifierOptions,
} from '../../src/index.js';
import {
  claimsAt,
  encodeJson,
  ISSUER,
  JWKS_URL,
  jwksEndpoint,
  makeClock,
  makeWebKey,
  PUBLISHER_ID,
  signRaw,
  signToken,
} from '../webcrypto-fixtures.js';

type Mode = 'auto' | 'webcrypto' | 'webcrypto only (no node:crypto)';

afterEach(() => {
  vi.restoreAllMocks();
});

async function codeOf(promise: Promise<unknown>): Promise<EntitlementErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EntitlementError) return error.code;
    throw error;
  }
  throw new Error('expected the token to be refused, but it was accepted');
}

/** Creates the verifier as a Worker of that mode would have it. */
function verifierIn(mode: Mode, options: EntitlementVerifierOptions) {
  if (mode === 'auto') return createEntitlementVerifier({ ...options, crypto: 'auto' });
  if (mode === 'webcrypto') return createEntitlementVerifier({ ...options, crypto: 'webcrypto' });
  // The verifier looks for node:crypto once, when it is created.
  const hidden = vi.spyOn(process, 'getBuiltinModule').mockImplementation(() => undefined as never);
  try {
    return createEntitlementVerifier({ ...options, crypto: 'auto' });
  } finally {
    hidden.mockRestore();
  }
}

describe.each<Mode>(['auto', 'webcrypto', 'webcrypto only (no node:crypto)'])('in workerd, %s', (mode) => {
  async function setup() {
    const [ours, stranger] = await Promise.all([makeWebKey('k-2026-06'), makeWebKey('k-stranger')]);
    const jwks = jwksEndpoint([ours]);
    const clock = makeClock();
    const verifier = verifierIn(mode, {
      issuer: ISSUER,
      publisherId: PUBLISHER_ID,
      jwksUrl: JWKS_URL,
      fetch: jwks.fetch,
      now: clock.now,
    });
    return { ours, stranger, jwks, clock, verifier };
  }

  it('accepts a good token with frozen claims, after one JWKS fetch, for every membership', async () => {
    const { ours, jwks, clock, verifier } = await setup();
    for (const membership of ['trial', 'paid', 'grace', 'comp', 'meter', 'gift']) {
      const claims = claimsAt(clock.seconds(), { membership, article: 'art_42' });
      const verified = await verifier.verify(await signToken(ours, claims));
      expect(verified).toEqual(claims);
      expect(Object.isFrozen(verified)).toBe(true);
    }
    expect(jwks.requests()).toBe(1);
  });

  it('refuses expired, misaddressed, forged and garbled tokens with their codes', async () => {
    const { ours, stranger, clock, verifier } = await setup();
    const now = clock.seconds();
    const good = await signToken(ours, claimsAt(now, { membership: 'trial' }));
    const [h, , s] = good.split('.');
    await expect(verifier.verify(good)).resolves.toMatchObject({ membership: 'trial' });

    expect(
      await codeOf(verifier.verify(await signToken(ours, claimsAt(now - 900, { exp: now - 300 })))),
    ).toBe('expired');
    expect(await codeOf(verifier.verify(await signToken(ours, claimsAt(now, { aud: 'pub_other' }))))).toBe(
      'wrong_audience',
    );
    expect(
      await codeOf(verifier.verify(await signToken(ours, claimsAt(now, { iss: 'https://evil.example' })))),
    ).toBe('wrong_issuer');
    expect(await codeOf(verifier.verify(await signToken(ours, claimsAt(now + 120))))).toBe('not_yet_valid');
    // Our kid, another key's signature.
    expect(await codeOf(verifier.verify(await signToken(stranger, claimsAt(now), { kid: ours.kid })))).toBe(
      'invalid_signature',
    );
    // The good token's signature over an upgraded payload.
    expect(
      await codeOf(verifier.verify(`${h}.${encodeJson(claimsAt(now, { membership: 'paid' }))}.${s}`)),
    ).toBe('invalid_signature');
    expect(
      await codeOf(
        verifier.verify(
          await signRaw(ours.privateKey, { alg: 'none', kid: ours.kid, typ: 'entitlement+jwt' }, {}),
        ),
      ),
    ).toBe('invalid_signature');
    expect(await codeOf(verifier.verify(await signToken(ours, claimsAt(now, { membership: 'gold' }))))).toBe(
      'malformed',
    );
    expect(await codeOf(verifier.verify('!!!.@@@.###'))).toBe('malformed');
    expect(await codeOf(verifier.verify(await signToken(stranger, claimsAt(now))))).toBe('unknown_key');
  });

  it('picks up a rotated key with one refetch, and refetches for unknown kids at most once per cooldown', async () => {
    const { ours, stranger, jwks, clock, verifier } = await setup();
    await verifier.verify(await signToken(ours, claimsAt(clock.seconds())));
    const next = await makeWebKey('k-2026-07');
    jwks.setKeys([next, ours]);

    await expect(verifier.verify(await signToken(next, claimsAt(clock.seconds())))).resolves.toBeDefined();
    expect(jwks.requests()).toBe(2);
    for (let i = 0; i < 5; i++) {
      const token = await signToken(stranger, claimsAt(clock.seconds()), { kid: `random-${i}` });
      expect(await codeOf(verifier.verify(token))).toBe('unknown_key');
    }
    expect(jwks.requests()).toBe(2);
    clock.advanceSeconds(31);
    expect(await codeOf(verifier.verify(await signToken(stranger, claimsAt(clock.seconds()))))).toBe(
      'unknown_key',
    );
    expect(jwks.requests()).toBe(3);
  });

  it('answers a verified token again from its cache, with the same claims object', async () => {
    const { ours, clock, verifier } = await setup();
    const token = await signToken(ours, claimsAt(clock.seconds()));
    const first = await verifier.verify(token);

    expect(await verifier.verify(token)).toBe(first);
    clock.advanceSeconds(600 + 30);
    expect(await codeOf(verifier.verify(token))).toBe('expired');
  });
});

describe('node:crypto in workerd', () => {
  it('is reachable with nodejs_compat, and checks signatures only when it takes the key objects', async () => {
    const node = process.getBuiltinModule('node:crypto');
    expect(typeof node.verify).toBe('function');
    expect(typeof node.createPublicKey).toBe('function');
    const key = await makeWebKey('k-probe');
    // What this runtime's node:crypto does with the key argument the verifier's fast path passes.
    let takesKeyObjects = true;
    try {
      const keyObject = node.createPublicKey({
        key: key.jwk as import('node:crypto').JsonWebKey,
        format: 'jwk',
      });
      node.verify('sha256', new Uint8Array(1), { key: keyObject, dsaEncoding: 'der' }, new Uint8Array(8));
    } catch {
      takesKeyObjects = false;
    }

    let tokenChecks = 0;
    const counting = {
      createPublicKey: node.createPublicKey,
      verify: (...args: Parameters<typeof node.verify>) => {
        // The verifier's probe checks one byte; a token's signing input is longer.
        if ((args[1] as Uint8Array).length > 1) tokenChecks += 1;
        return node.verify(...args);
      },
    };
    const builtin = process.getBuiltinModule.bind(process);
    vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) =>
      id === 'node:crypto' ? counting : builtin(id)) as typeof process.getBuiltinModule);
    const clock = makeClock();
    const verifier = createEntitlementVerifier({
      issuer: ISSUER,
      publisherId: PUBLISHER_ID,
      jwks: { keys: [key.jwk] },
      now: clock.now,
    });
    vi.restoreAllMocks();

    const good = await signToken(key, claimsAt(clock.seconds()));
    await expect(verifier.verify(good)).resolves.toBeDefined();
    const forged = `${good.slice(0, good.lastIndexOf('.'))}.${'A'.repeat(86)}`;
    expect(await codeOf(verifier.verify(forged))).toBe('invalid_signature');
    expect(tokenChecks).toBe(takesKeyObjects ? 2 : 0);
  });
});

describe('the Hono middleware in workerd', () => {
  it("hands the background JWKS refresh to the request's ExecutionContext", async () => {
    const key = await makeWebKey('k-2026-06');
    const jwks = jwksEndpoint([key]);
    const clock = makeClock();
    const app = new Hono<{ Variables: EntitlementVariables }>();
    app.use(
      entitlement({
        issuer: ISSUER,
        publisherId: PUBLISHER_ID,
        jwksUrl: JWKS_URL,
        fetch: jwks.fetch,
        now: clock.now,
        required: true,
      }),
    );
    app.get('/', (c) => c.text(c.var.entitlement?.membership ?? 'none'));
    const request = async (ctx: ExecutionContext) => {
      const token = await signToken(key, claimsAt(clock.seconds(), { membership: 'gift' }));
      return app.fetch(
        new Request('https://daily.example/', { headers: { authorization: `Bearer ${token}` } }),
        {},
        ctx,
      );
    };

    const first = createExecutionContext();
    const firstHanded = vi.spyOn(first, 'waitUntil');
    expect(await (await request(first)).text()).toBe('gift');
    await waitOnExecutionContext(first);
    expect(firstHanded).not.toHaveBeenCalled();
    expect(jwks.requests()).toBe(1);

    clock.advanceSeconds(301);
    const later = createExecutionContext();
    const laterHanded = vi.spyOn(later, 'waitUntil');
    expect(await (await request(later)).text()).toBe('gift');
    expect(laterHanded).toHaveBeenCalledTimes(1);
    expect(laterHanded.mock.calls[0]?.[0]).toBeInstanceOf(Promise);
    await waitOnExecutionContext(later);
    expect(jwks.requests()).toBe(2);

    const refused = await app.fetch(new Request('https://daily.example/'), {}, createExecutionContext());
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
  });
});
