/** @module Real keys, real tokens and a real JWKS server for the publisher SDK tests. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { expect } from 'vitest';
import { EntitlementError, type EntitlementErrorCode } from '../src/index.js';

export const ISSUER = 'https://paywall.example';
export const PUBLISHER_ID = 'pub_4x7q2m9k3h8w1z6c5v0b';
/** 2026-06-01T00:00:00Z, a fixed "now" so that no test depends on the wall clock. */
export const START_MS = Date.UTC(2026, 5, 1);

export interface TestKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public JWK as our JWKS publishes it (kid, alg, use). */
  readonly jwk: JWK;
}

export async function makeKey(): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  return { kid, privateKey, jwk: { ...exported, kid, alg: 'ES256', use: 'sig' } };
}

/** A controllable clock in epoch milliseconds, for the verifier's `now` option. */
export function makeClock(startMs = START_MS) {
  let current = startMs;
  return {
    now: () => current,
    seconds: () => Math.floor(current / 1000),
    advanceSeconds(seconds: number) {
      current += seconds * 1000;
    },
  };
}

let sequence = 0;

/** The claims our service puts in a token, valid for 10 minutes from `nowSeconds`. */
export function claimsAt(
  nowSeconds: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  sequence += 1;
  return {
    iss: ISSUER,
    aud: PUBLISHER_ID,
    sub: 'prw_7c1e0f3a9b2d4e6f',
    iat: nowSeconds,
    exp: nowSeconds + 600,
    jti: `tok_${sequence}_${nowSeconds}`,
    scope: 'full_text',
    membership: 'paid',
    entitled_until: nowSeconds + 30 * 86400,
    ...overrides,
  };
}

/** A token exactly as the service issues it, signed by jose. */
export async function signToken(
  key: TestKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'entitlement+jwt', ...header })
    .sign(key.privateKey);
}

export function encodeJson(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

/** Hand-assembled ES256 JWS, for headers jose would refuse to produce (e.g. `crit`). */
export async function signRaw(privateKey: CryptoKey, header: unknown, payload: unknown): Promise<string> {
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    new TextEncoder().encode(signingInput),
  );
  return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
}

export type JwksMode = 'ok' | 'error';

export interface JwksServer {
  readonly origin: string;
  readonly url: string;
  /** How many JWKS requests arrived, whatever the path. */
  readonly requests: () => number;
  setKeys(keys: readonly JWK[]): void;
  setMode(mode: JwksMode): void;
  close(): Promise<void>;
}

/** A real HTTP JWKS endpoint on 127.0.0.1 that counts its requests. */
export async function startJwksServer(keys: readonly JWK[]): Promise<JwksServer> {
  let current = keys;
  let mode: JwksMode = 'ok';
  let count = 0;
  const server: Server = createServer((request, response) => {
    count += 1;
    if (mode === 'error' || request.url !== '/.well-known/jwks.json') {
      response.writeHead(mode === 'error' ? 503 : 404, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' })
      .end(JSON.stringify({ keys: current }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let closed = false;
  return {
    origin,
    url: `${origin}/.well-known/jwks.json`,
    requests: () => count,
    setKeys(next) {
      current = next;
    },
    setMode(next) {
      mode = next;
    },
    async close() {
      if (closed) return;
      closed = true;
      // Keep-alive sockets from fetch would otherwise keep the server (and the port) open.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** The EntitlementError a verification rejected with; fails the test on success or another error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<EntitlementError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EntitlementError) return error;
    throw error;
  }
  throw new Error('expected the token to be refused, but it was accepted');
}

export async function expectCode(promise: Promise<unknown>, code: EntitlementErrorCode): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error.code).toBe(code);
}
