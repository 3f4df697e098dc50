/**
 * @module Keys, tokens and a JWKS endpoint made with WebCrypto alone (no node:crypto, no node:http,
 * no jose), for the suites that run outside Node: workerd, and the Deno and Bun smoke script.
 */

export const ISSUER = 'https://paywall.example';
export const PUBLISHER_ID = 'pub_4x7q2m9k3h8w1z6c5v0b';
export const JWKS_URL = `${ISSUER}/.well-known/jwks.json`;
/** 2026-06-01T00:00:00Z, a fixed "now" so that no test depends on the wall clock. */
export const START_MS = Date.UTC(2026, 5, 1);

export interface WebKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public JWK as the issuer's JWKS publishes it. */
  readonly jwk: { kty?: string; crv?: string; x?: string; y?: string; kid: string; alg: 'ES256'; use: 'sig' };
}

export async function makeWebKey(kid: string): Promise<WebKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const { kty, crv, x, y } = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey;
  return { kid, privateKey: pair.privateKey, jwk: { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' } };
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function encodeJson(value: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(value)));
}

/** A compact ES256 JWS of any header and payload, signed by `privateKey`. */
export async function signRaw(privateKey: CryptoKey, header: unknown, payload: unknown): Promise<string> {
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    new TextEncoder().encode(signingInput),
  );
  return `${signingInput}.${base64url(new Uint8Array(signature))}`;
}

/** A token exactly as the service issues it. */
export function signToken(
  key: WebKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return signRaw(key.privateKey, { alg: 'ES256', kid: key.kid, typ: 'entitlement+jwt', ...header }, claims);
}

let sequence = 0;

/** The claims the service puts in a token, valid for 10 minutes from `nowSeconds`. */
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

/** The issuer's JWKS behind the verifier's `fetch` option (as a Worker service binding would be). */
export function jwksEndpoint(keys: readonly WebKey[]) {
  let current = keys.map((key) => key.jwk);
  let requests = 0;
  const fetchJwks: typeof fetch = async (input) => {
    requests += 1;
    if (String(input) !== JWKS_URL) return new Response('not found', { status: 404 });
    return Response.json({ keys: current }, { headers: { 'cache-control': 'public, max-age=300' } });
  };
  return {
    fetch: fetchJwks,
    requests: () => requests,
    setKeys(next: readonly WebKey[]) {
      current = next.map((key) => key.jwk);
    },
  };
}
