/** @module Faults: the service (and its JWKS) unreachable for a publisher: the SDK keeps verifying with its cached keys. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { createEntitlementVerifier, EntitlementError } from '@onepass/verify';
import { generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, type NodeDoor, startNodeDoor } from '../support/node-door';

let h: NodeDoor;
let server: ServerType;
let jwksUrl: string;
let publisher: string;

beforeAll(async () => {
  h = await startNodeDoor({ LOG_LEVEL: 'silent', LIMIT_SIGNUPS: '100000/1h' });
  // The Node door's app on a real socket, as `npm start` serves it.
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  const created = await h.call('POST', '/v1/admin/publishers', {
    token: h.env.ADMIN_API_KEY,
    body: { name: 'Offline Gazette', origins: ['https://offline-gazette.example'] },
  });
  publisher = String(created.json.publisher.id);
});
afterAll(() => {
  if (server.listening) server.close();
  h?.close();
});

async function issued(n: number): Promise<string> {
  const signUp = await h.call('POST', '/v1/readers', {
    body: { email: `jwks${n}@example.com`, password: 'pass phrase 1' },
  });
  const res = await h.call('POST', '/v1/me/entitlement-token', {
    token: String(signUp.json.session_token),
    body: { publisher, article: `a-${n}` },
  });
  expect(res.status, res.text).toBe(200);
  return String(res.json.token);
}

/** A token with the service's own key (what the service would issue next), at the verifier's time. */
async function signedByService(nowMs: number, kid?: string, key?: CryptoKey): Promise<string> {
  const jwk = JSON.parse(h.env.ENTITLEMENT_SIGNING_KEY ?? '{}') as { kid: string };
  const iat = Math.floor(nowMs / 1000);
  const claims: JWTPayload = {
    scope: 'full_text',
    membership: 'trial',
    entitled_until: iat + 86_400,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: kid ?? jwk.kid, typ: 'entitlement+jwt' })
    .setIssuer(BASE)
    .setAudience(publisher)
    .setSubject(`sub_${iat}_${Math.random().toString(36).slice(2)}`)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .setJti(`jti_${Math.random().toString(36).slice(2)}`)
    .sign(key ?? ((await importJWK({ ...jwk, alg: 'ES256' }, 'ES256')) as CryptoKey));
}

describe('JWKS endpoint unreachable for a publisher', () => {
  it('keeps verifying with the cached keys; an unknown kid fails with unknown_key', async () => {
    const tokens = await Promise.all([1, 2, 3].map(issued));
    let offset = 0;
    const now = () => Date.now() + offset;
    let fetches = 0;
    const verifier = createEntitlementVerifier({
      issuer: BASE,
      publisherId: publisher,
      jwksUrl,
      now,
      fetch: (input, init) => {
        fetches++;
        return fetch(input, init);
      },
    });
    const first = await verifier.verify(tokens[0] ?? '');
    expect(first.aud).toBe(publisher);
    expect(fetches).toBe(1);

    // The service goes away: its port refuses connections.
    await new Promise<void>((resolve) => {
      const http = server as Server;
      http.closeAllConnections();
      http.close(() => resolve());
    });
    await expect(fetch(jwksUrl)).rejects.toThrow();

    // Tokens this verifier has never seen, signed by the same key, still pass.
    for (const token of tokens.slice(1)) expect((await verifier.verify(token)).aud).toBe(publisher);
    expect((await verifier.verify(await signedByService(now()))).scope).toBe('full_text');

    // Past the key set's max age a background refresh is tried, fails, and the cached keys stay in use.
    offset = 301_000;
    expect((await verifier.verify(await signedByService(now()))).scope).toBe('full_text');
    await new Promise((r) => setTimeout(r, 50));
    expect(fetches).toBeGreaterThan(1);
    expect((await verifier.verify(await signedByService(now()))).scope).toBe('full_text');

    // A key the cached set does not hold: one refetch is attempted (and fails), then unknown_key.
    const { privateKey } = await generateKeyPair('ES256');
    const stranger = await signedByService(now(), 'kid-of-a-key-never-published', privateKey);
    const error = await verifier.verify(stranger).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntitlementError);
    expect((error as EntitlementError).code).toBe('unknown_key');
    // …and it did not poison the cache: the real key still verifies.
    expect((await verifier.verify(await signedByService(now()))).scope).toBe('full_text');
  });
});
