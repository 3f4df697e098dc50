/**
 * @module A module Worker verifying ES256 tokens inside workerd, where only WebCrypto exists: each
 * request verifies a batch of the tokens in its binding, `/sdk` with `@onepass/verify` (fresh: a
 * cache of one token), `/raw` with `crypto.subtle.verify` over bytes decoded once beforehand. The
 * bench times the requests from outside, as workerd's clocks stand still during a request's work.
 *
 *   GET /sdk?from=<index>&count=<n>   GET /raw?from=<index>&count=<n>   → {"verified": n}
 */
import { createEntitlementVerifier, type EntitlementJwks, type EntitlementVerifier } from '@onepass/verify';

interface VerifyEnv {
  /** The tokens (JWS compact), made in Node by the bench. */
  TOKENS: string[];
  JWKS: EntitlementJwks;
  ISSUER: string;
  PUBLISHER: string;
}

interface Decoded {
  data: Uint8Array;
  signature: Uint8Array;
}

let sdk: EntitlementVerifier | undefined;
let raw: Promise<{ key: CryptoKey; decoded: Decoded[] }> | undefined;

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function prepareRaw(env: VerifyEnv) {
  const jwk = env.JWKS.keys[0];
  if (!jwk) throw new Error('no key');
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y) },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const encoder = new TextEncoder();
  const decoded = env.TOKENS.map((token) => {
    const dot = token.lastIndexOf('.');
    return { data: encoder.encode(token.slice(0, dot)), signature: fromBase64Url(token.slice(dot + 1)) };
  });
  return { key, decoded };
}

const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' };

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const from = Number(url.searchParams.get('from') ?? 0);
    const count = Number(url.searchParams.get('count') ?? 1);
    const total = env.TOKENS.length;
    if (url.pathname === '/sdk') {
      sdk ??= createEntitlementVerifier({
        issuer: env.ISSUER,
        publisherId: env.PUBLISHER,
        jwks: env.JWKS,
        maxCachedTokens: 1,
      });
      for (let i = 0; i < count; i++) await sdk.verify(env.TOKENS[(from + i) % total] ?? '');
    } else if (url.pathname === '/raw') {
      raw ??= prepareRaw(env);
      const { key, decoded } = await raw;
      for (let i = 0; i < count; i++) {
        const t = decoded[(from + i) % total];
        if (!t || !(await crypto.subtle.verify(ECDSA_SHA256, key, t.signature, t.data))) {
          return new Response('bad signature', { status: 500 });
        }
      }
    } else {
      return new Response('not found', { status: 404 });
    }
    return Response.json({ verified: count });
  },
} satisfies ExportedHandler<VerifyEnv>;
