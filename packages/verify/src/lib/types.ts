/** @module The public shapes of the verifier: claims, keys, options and the verifier itself. */

/**
 * Why the reader may read the full text: a free trial (`trial`), a paid membership (`paid`), the
 * grace period after a failed payment (`grace`), a complimentary membership granted by an operator
 * (`comp`), a metered free article (`meter`, usually bound to one `article`) or a redeemed gift
 * (`gift`).
 *
 * @example
 * ```ts
 * const showUpsell = (m: EntitlementMembership) => m === 'trial' || m === 'grace' || m === 'meter';
 * ```
 */
export type EntitlementMembership = 'trial' | 'paid' | 'grace' | 'comp' | 'meter' | 'gift';

/**
 * The verified claims of an entitlement token. The object is frozen and, for a token seen before,
 * the very same object is returned again, so treat it as read-only.
 *
 * @example
 * ```ts
 * const claims: EntitlementClaims = await verifier.verify(token);
 * if (claims.article === undefined || claims.article === articleId) renderFullText();
 * ```
 */
export interface EntitlementClaims {
  /** The issuer: the paywall service's public URL. */
  readonly iss: string;
  /** The publisher id (`pub_…`) the token was issued to, or a list containing it. */
  readonly aud: string | readonly string[];
  /** The reader's pairwise id: stable for this publisher, different for every other publisher. */
  readonly sub: string;
  /** Issued at, epoch seconds. */
  readonly iat: number;
  /** Expiry, epoch seconds. */
  readonly exp: number;
  /** Not before, epoch seconds, when present. */
  readonly nbf?: number;
  /** Unique token id. */
  readonly jti: string;
  /** Always `full_text`. */
  readonly scope: 'full_text';
  /** Why the reader is entitled. */
  readonly membership: EntitlementMembership;
  /** Epoch seconds at which the entitlement ends if nothing changes. */
  readonly entitled_until: number;
  /** The article the token was asked for, when it was asked for one. */
  readonly article?: string;
  /** For a `meter` token: the reader's free articles this month, e.g. to say "2 of 3 free articles". */
  readonly meter?: EntitlementMeter;
}

/**
 * The network-wide meter at the time a `meter` token was issued: `used` of `allowance` free
 * articles this month (this one included), counted afresh from `resets_at` (epoch seconds).
 *
 * @example
 * ```ts
 * if (claims.meter) banner(`${claims.meter.used} of ${claims.meter.allowance} free articles this month`);
 * ```
 */
export interface EntitlementMeter {
  readonly used: number;
  readonly allowance: number;
  readonly resets_at: number;
}

/**
 * A public JSON Web Key as published in the issuer's JWKS. Only EC P-256 keys with a `kid` (and,
 * when present, `alg: "ES256"` and `use: "sig"`) are used; every other key is ignored.
 *
 * @example
 * ```ts
 * const jwk: EntitlementJwk = { kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: 'k1', alg: 'ES256', use: 'sig' };
 * ```
 */
export interface EntitlementJwk {
  readonly kty?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly key_ops?: readonly string[];
  readonly [member: string]: unknown;
}

/**
 * A JSON Web Key Set, the shape of `/.well-known/jwks.json`.
 *
 * @example
 * ```ts
 * const jwks: EntitlementJwks = await (await fetch('https://paywall.example/.well-known/jwks.json')).json();
 * ```
 */
export interface EntitlementJwks {
  readonly keys: readonly EntitlementJwk[];
}

/**
 * Options of {@link createEntitlementVerifier}. Every value is checked when the verifier is
 * created: a misconfiguration throws a `TypeError` there, never later on a reader's request.
 *
 * @example
 * ```ts
 * const options: EntitlementVerifierOptions = {
 *   issuer: 'https://paywall.example',
 *   publisherId: 'pub_4x7q2m9k3h8w1z6c5v0b',
 * };
 * ```
 */
export interface EntitlementVerifierOptions {
  /** The token issuer, compared exactly with `iss` (the paywall service's `PUBLIC_URL`). */
  issuer: string;
  /** Your publisher id (`pub_…`), which must be the token's `aud`. */
  publisherId: string;
  /**
   * Where to fetch the public keys. Defaults to `${issuer}/.well-known/jwks.json`. Must be `https`,
   * except on a loopback host or when `fetch` is given (e.g. a Worker service binding).
   */
  jwksUrl?: string;
  /** Static public keys. When given, nothing is ever fetched; not combinable with `jwksUrl` or `fetch`. */
  jwks?: EntitlementJwks;
  /**
   * The fetch used for the JWKS, e.g. `(input, init) => env.PAYWALL.fetch(input, init)` for a Worker
   * service binding. Defaults to the global `fetch`.
   */
  fetch?: typeof fetch;
  /** Allowed clock skew for `exp`, `iat` and `nbf`, in seconds: 0 to 60, default 30. */
  clockToleranceSeconds?: number;
  /** How many verified tokens to remember until they expire; default 10 000, 0 disables the cache. */
  maxCachedTokens?: number;
  /** The clock, epoch milliseconds; for tests. Defaults to `Date.now`. */
  now?: () => number;
  /** After this many seconds the key set is refreshed in the background on the next verify; default 300. */
  jwksMaxAgeSeconds?: number;
  /** An unknown `kid` triggers at most one JWKS refetch per this many seconds; default 30. */
  unknownKidCooldownSeconds?: number;
  /**
   * `'auto'` (default) checks signatures with the runtime's `node:crypto` where it offers one that
   * takes key objects (Node, Bun, Deno): a synchronous check, about twice as fast as WebCrypto's
   * asynchronous one. Elsewhere, Workers included (workerd's `node:crypto` refuses the key
   * objects), it uses WebCrypto. `'webcrypto'` always uses `crypto.subtle`.
   */
  crypto?: 'auto' | 'webcrypto';
}

/**
 * Verifies entitlement tokens. Create one per process (or per Worker isolate) and reuse it: it
 * holds the imported keys and the cache of tokens already verified.
 *
 * @example
 * ```ts
 * const verifier: EntitlementVerifier = createEntitlementVerifier({ issuer, publisherId });
 * const claims = await verifier.verify(token);
 * ```
 */
export interface EntitlementVerifier {
  /**
   * Resolves with the token's claims, or rejects with an {@link EntitlementError}.
   *
   * @example
   * ```ts
   * const claims = await verifier.verify(token);
   * ```
   */
  verify(token: string, context?: EntitlementVerifyContext): Promise<EntitlementClaims>;
}

/**
 * Per-request hooks for {@link EntitlementVerifier.verify}. On Cloudflare Workers, pass the
 * request's `waitUntil` so that a background JWKS refresh is not cancelled when the response is
 * sent; the Hono middleware does this by itself. Elsewhere it is not needed.
 *
 * @example
 * ```ts
 * export default {
 *   async fetch(request: Request, env: Env, ctx: ExecutionContext) {
 *     const claims = await verifier.verify(token, { waitUntil: (promise) => ctx.waitUntil(promise) });
 *     return new Response(claims.sub);
 *   },
 * };
 * ```
 */
export interface EntitlementVerifyContext {
  /** Keeps the runtime alive for a promise that outlives the request (Workers' `ctx.waitUntil`). */
  waitUntil?: (promise: Promise<unknown>) => void;
}
