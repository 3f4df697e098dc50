/** @module Offline verification of OnePass entitlement tokens (ES256 JWS) against the issuer's cached JWKS. */

import { type PayloadClaims, readFlatClaims } from './payload.js';

/**
 * Why a token was refused. Stable: branch on it, never on the message.
 *
 * `not_yet_valid` is an extension of the contract's six codes: the token's `iat` or `nbf` lies more
 * than the clock tolerance in the future (usually a badly skewed clock on one side).
 *
 * @example
 * ```ts
 * const code: EntitlementErrorCode = 'expired';
 * ```
 */
export type EntitlementErrorCode =
  | 'expired'
  | 'invalid_signature'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'malformed'
  | 'unknown_key'
  | 'not_yet_valid';

/**
 * Why the reader is entitled: a free trial, a paid membership, the grace period after a failed
 * payment, or a complimentary membership granted by an operator.
 *
 * @example
 * ```ts
 * const showUpsell = (m: EntitlementMembership) => m === 'trial' || m === 'grace';
 * ```
 */
export type EntitlementMembership = 'trial' | 'paid' | 'grace' | 'comp';

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
   * `'auto'` (default) checks signatures with the runtime's `node:crypto` where it offers one
   * (Node, Bun, Deno, Workers with nodejs_compat): a synchronous check, about twice as fast as
   * WebCrypto's asynchronous one. `'webcrypto'` always uses `crypto.subtle`.
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

/**
 * The error every refused token rejects with. `code` is stable; `message` is for logs and may
 * change.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token);
 * } catch (error) {
 *   if (error instanceof EntitlementError && error.code === 'expired') return renewToken();
 *   throw error;
 * }
 * ```
 */
export class EntitlementError extends Error {
  /** Why the token was refused. */
  readonly code: EntitlementErrorCode;

  constructor(code: EntitlementErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EntitlementError';
    this.code = code;
  }
}

// Our tokens are well under 1 KiB; the cap keeps hostile input from costing memory or CPU.
const MAX_TOKEN_LENGTH = 8192;
const MAX_KID_LENGTH = 256;
const MAX_CACHED_HEADERS = 64;
const MAX_JWKS_LENGTH = 256 * 1024;
// A hanging JWKS endpoint must not hold readers' requests for long.
const JWKS_FETCH_TIMEOUT_MS = 5000;
// A fetch still pending well after its own timeout can only be one the runtime dropped (Workers
// cancel a request's leftover I/O once it has answered); it must not block every later refresh.
const STALE_FETCH_MS = 3 * JWKS_FETCH_TIMEOUT_MS;
const MAX_CLOCK_TOLERANCE_SECONDS = 60;
const TOKEN_TYPE = 'entitlement+jwt';
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' };

/** The two members of `node:crypto` the fast path uses, typed here so the SDK needs no Node types. */
interface NodeCrypto {
  createPublicKey(input: { key: Record<string, string>; format: 'jwk' }): object;
  verify(algorithm: string, data: Uint8Array, key: NodeVerifyKey, signature: Uint8Array): boolean;
}

/**
 * `node:crypto` through `process.getBuiltinModule`, which needs no import (so nothing breaks where
 * it does not exist); null on runtimes without it.
 */
function builtinNodeCrypto(): NodeCrypto | null {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as Partial<NodeCrypto> | undefined;
    return mod && typeof mod.verify === 'function' && typeof mod.createPublicKey === 'function'
      ? (mod as NodeCrypto)
      : null;
  } catch {
    return null;
  }
}

const PROBE_DATA = new Uint8Array(1);
// A well-formed DER signature (r = s = 1) that no key accepts.
const PROBE_SIGNATURE = new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]);

/** The key argument of `node:crypto`'s verify, built once per key instead of once per token. */
interface NodeVerifyKey {
  readonly key: object;
  readonly dsaEncoding: 'der';
}

/** A verification key: always a WebCrypto key, plus a `node:crypto` key where available. */
interface VerificationKey {
  readonly web: CryptoKey;
  readonly node: NodeVerifyKey | null;
}
const PUBLISHER_ID = /^pub_[A-Za-z0-9_-]{1,128}$/;

// ignoreBOM keeps a byte-order mark in the text, where JSON.parse then refuses it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// A raw ES256 signature (r || s) is 64 bytes, which is 86 characters of unpadded base64url.
const SIGNATURE_BYTES = 64;
const SIGNATURE_CHARS = 86;
// Every byte's sextet: -1 for the bytes outside the base64url alphabet (all of them above 127).
const SEXTETS = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < BASE64URL_ALPHABET.length; i++) table[BASE64URL_ALPHABET.charCodeAt(i)] = i;
  return table;
})();
// Where the JSON parts are decoded to: big enough for any segment of a token of the maximum length.
// It is filled and read back within one synchronous call, so every verifier can share it.
const SEGMENT_BYTES = new Uint8Array((MAX_TOKEN_LENGTH * 3) >> 2);
// The view of it handed to the UTF-8 decoder, kept while segments keep the same length (most do).
let segmentView = SEGMENT_BYTES.subarray(0, 0);

/**
 * Decodes the base64url text in source[start..end) (one byte per character) into target, from
 * index 0, and returns how many bytes that made, or -1 when the text is anything but canonical
 * unpadded base64url (no padding, no `+` `/`, no stray low bits): a token has exactly one
 * spelling, so the cache cannot be fed endless variants of the same token. Four characters at a
 * time, with the verdict taken once at the end: any byte outside the alphabet makes a negative
 * sextet. The target must have room for the result; what it holds after a refusal is garbage.
 *
 * The token is copied to bytes once anyway (it is the signing input); decoding from there in JS
 * costs less than the runtime's atob plus the validation and alphabet swap it would need.
 */
function decodeBase64Url(source: Uint8Array, start: number, end: number, target: Uint8Array): number {
  const rest = (end - start) & 3;
  if (rest === 1) return -1;
  const quads = end - rest;
  let sextets = 0;
  let o = 0;
  for (let i = start; i < quads; i += 4) {
    const s0 = SEXTETS[source[i] ?? 0] ?? -1;
    const s1 = SEXTETS[source[i + 1] ?? 0] ?? -1;
    const s2 = SEXTETS[source[i + 2] ?? 0] ?? -1;
    const s3 = SEXTETS[source[i + 3] ?? 0] ?? -1;
    sextets |= s0 | s1 | s2 | s3;
    target[o] = (s0 << 2) | (s1 >> 4);
    target[o + 1] = (s1 << 4) | (s2 >> 2);
    target[o + 2] = (s2 << 6) | s3;
    o += 3;
  }
  if (rest !== 0) {
    const s0 = SEXTETS[source[quads] ?? 0] ?? -1;
    const s1 = SEXTETS[source[quads + 1] ?? 0] ?? -1;
    sextets |= s0 | s1;
    target[o++] = (s0 << 2) | (s1 >> 4);
    if (rest === 2) {
      // The unused low bits must be zero.
      if ((s1 & 15) !== 0) return -1;
    } else {
      const s2 = SEXTETS[source[quads + 2] ?? 0] ?? -1;
      sextets |= s2;
      if ((s2 & 3) !== 0) return -1;
      target[o++] = (s1 << 4) | (s2 >> 2);
    }
  }
  return sextets >= 0 ? o : -1;
}

/** The same for a string, as the rarer checks need it; anything beyond ASCII is refused. */
function decodeBase64UrlText(text: string, target: Uint8Array): number {
  const source = utf8Encoder.encode(text);
  return source.length === text.length ? decodeBase64Url(source, 0, source.length, target) : -1;
}

// The longest DER form of an ES256 signature: SEQUENCE { INTEGER r, INTEGER s }, each of 32 bytes
// plus a zero byte when its top bit is set.
const DER_SIGNATURE_BYTES = 72;

/**
 * Writes the raw signature (r || s, 32 bytes each) as the DER that OpenSSL reads, and returns its
 * length. node:crypto would otherwise convert it on every check (`dsaEncoding: 'ieee-p1363'`),
 * through a round of big-number allocations; the integers, and so the verdict, are the same. The
 * encoding is the canonical one (minimal integers), which OpenSSL insists on.
 */
function encodeDerSignature(raw: Uint8Array, der: Uint8Array): number {
  let o = 2;
  for (let half = 0; half < SIGNATURE_BYTES; half += 32) {
    // Leading zero bytes go, but an integer keeps at least one byte.
    let first = half;
    while (first < half + 31 && raw[first] === 0) first++;
    const pad = (raw[first] ?? 0) >= 0x80 ? 1 : 0;
    der[o] = 0x02;
    der[o + 1] = half + 32 - first + pad;
    o += 2;
    if (pad === 1) der[o++] = 0;
    for (let i = first; i < half + 32; i++) der[o++] = raw[i] ?? 0;
  }
  der[0] = 0x30;
  der[1] = o - 2;
  return o;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

function isMembership(value: unknown): value is EntitlementMembership {
  return value === 'paid' || value === 'trial' || value === 'grace' || value === 'comp';
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The UTF-8 text of the base64url in source[start..end); null for anything but canonical base64url of UTF-8. */
function decodeSegment(source: Uint8Array, start: number, end: number): string | null {
  const length = decodeBase64Url(source, start, end, SEGMENT_BYTES);
  if (length < 0) return null;
  if (segmentView.length !== length) segmentView = SEGMENT_BYTES.subarray(0, length);
  try {
    return utf8.decode(segmentView);
  } catch {
    return null;
  }
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/** Parses a header segment as base64url-encoded JSON; null unless it is a JSON object. */
function parseHeaderJson(segment: string): Record<string, unknown> | null {
  const source = utf8Encoder.encode(segment);
  if (source.length !== segment.length) return null;
  const text = decodeSegment(source, 0, source.length);
  return text === null ? null : parseJsonObject(text);
}

/**
 * Parses the payload in source[start..end): the issuer's usual flat shape directly, anything else
 * with JSON.parse; null unless it is base64url-encoded JSON of an object.
 */
function parsePayload(source: Uint8Array, start: number, end: number): PayloadClaims | null {
  const text = decodeSegment(source, start, end);
  if (text === null) return null;
  return readFlatClaims(text) ?? parseJsonObject(text);
}

function malformed(message: string): EntitlementError {
  return new EntitlementError('malformed', message);
}

function expired(exp: number): EntitlementError {
  const at = new Date(exp * 1000);
  // A date outside what Date can print must not turn the refusal into a RangeError.
  const when = Number.isNaN(at.getTime()) ? `${exp} (epoch seconds)` : at.toISOString();
  return new EntitlementError('expired', `The token expired at ${when}`);
}

// Returns the kid of a header that passes every check; throws otherwise.
function parseHeader(segment: string): string {
  const header = parseHeaderJson(segment);
  if (header === null) throw malformed('The token header is not base64url-encoded JSON');
  // The algorithm is pinned: `none`, HS256 with a public key as secret and the like never reach a key.
  if (header.alg !== 'ES256') {
    throw new EntitlementError('invalid_signature', 'The token algorithm is not ES256');
  }
  if (header.typ !== TOKEN_TYPE) throw malformed(`The token typ is not ${TOKEN_TYPE}`);
  // We implement no JWS extension, so any critical one must make us refuse (RFC 7515, 4.1.11).
  if (header.crit !== undefined) throw malformed('The token has critical header parameters');
  // jku, x5u, jwk and x5c are deliberately never read: keys come from our JWKS only.
  const kid = header.kid;
  if (!isNonEmptyString(kid) || kid.length > MAX_KID_LENGTH) {
    throw malformed('The token kid is missing or invalid');
  }
  return kid;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function checkSeconds(name: string, value: number | undefined, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (!isFiniteNumber(value) || value < 0 || value > max) {
    const range = max === Infinity ? 'a non-negative number' : `between 0 and ${max}`;
    throw new TypeError(`createEntitlementVerifier: ${name} must be ${range} of seconds`);
  }
  return value;
}

function resolveJwksUrl(options: EntitlementVerifierOptions): string {
  if (options.jwksUrl !== undefined && !isNonEmptyString(options.jwksUrl)) {
    throw new TypeError('createEntitlementVerifier: jwksUrl must be a URL string');
  }
  const raw = options.jwksUrl ?? `${options.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`createEntitlementVerifier: the JWKS URL ${JSON.stringify(raw)} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('createEntitlementVerifier: the JWKS URL must be http(s)');
  }
  // Keys fetched over plain http from a remote host could be swapped by anyone on the path.
  if (url.protocol === 'http:' && options.fetch === undefined && !isLoopbackHost(url.hostname)) {
    throw new TypeError(
      'createEntitlementVerifier: the JWKS URL must use https (plain http is only allowed on a loopback host)',
    );
  }
  return url.href;
}

interface UsableJwk {
  readonly kid: string;
  readonly x: string;
  readonly y: string;
}

function usableJwk(jwk: unknown): UsableJwk | null {
  if (!isRecord(jwk)) return null;
  const { kty, crv, kid, x, y, alg, use, key_ops: keyOps } = jwk;
  if (kty !== 'EC' || crv !== 'P-256' || !isNonEmptyString(kid) || kid.length > MAX_KID_LENGTH) return null;
  if (typeof x !== 'string' || typeof y !== 'string') return null;
  if ((alg !== undefined && alg !== 'ES256') || (use !== undefined && use !== 'sig')) return null;
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) return null;
  return { kid, x, y };
}

async function importKeySet(
  subtle: SubtleCrypto,
  node: NodeCrypto | null,
  jwks: readonly unknown[],
): Promise<Map<string, VerificationKey>> {
  const usable = jwks.map(usableJwk).filter((jwk): jwk is UsableJwk => jwk !== null);
  const imported = await Promise.all(
    usable.map(async ({ kid, x, y }) => {
      try {
        // Only the public members are passed on: a stray `d` or `key_ops` must not change what is imported.
        const web = await subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x, y }, ECDSA_P256, false, [
          'verify',
        ]);
        let nodeKey: NodeVerifyKey | null = null;
        try {
          if (node) {
            const candidate: NodeVerifyKey = {
              key: node.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' }),
              dsaEncoding: 'der',
            };
            // Some runtimes' node:crypto (workerd's) make the key but refuse a key object in verify:
            // a probe must answer (false) without throwing, or this key stays on WebCrypto.
            node.verify('sha256', PROBE_DATA, candidate, PROBE_SIGNATURE);
            nodeKey = candidate;
          }
        } catch {
          nodeKey = null; // WebCrypto accepted it; it alone will check this key's signatures
        }
        return { kid, key: { web, node: nodeKey } };
      } catch {
        // One bad key must not take the others down with it.
        return null;
      }
    }),
  );
  const keys = new Map<string, VerificationKey>();
  for (const entry of imported) {
    if (entry !== null && !keys.has(entry.kid)) keys.set(entry.kid, entry.key);
  }
  return keys;
}

/**
 * Creates a verifier of entitlement tokens for one publisher.
 *
 * It pins ES256, checks `typ`, `iss`, `aud`, `exp`, `iat`/`nbf` and the claim types, fetches the
 * JWKS once and refreshes it in the background (never per request), refetches it once on an
 * unknown `kid` (rate-limited), keeps serving with the cached keys when the JWKS endpoint is down,
 * and remembers verified tokens until they expire.
 *
 * @throws TypeError when the options are invalid.
 *
 * @example
 * ```ts
 * import { createEntitlementVerifier, EntitlementError } from 'onepass-paywall/verify';
 *
 * const verifier = createEntitlementVerifier({
 *   issuer: 'https://paywall.example',
 *   publisherId: 'pub_4x7q2m9k3h8w1z6c5v0b',
 * });
 *
 * try {
 *   const claims = await verifier.verify(token);
 *   console.log(claims.sub, claims.membership);
 * } catch (error) {
 *   if (error instanceof EntitlementError) console.log('teaser only:', error.code);
 *   else throw error;
 * }
 * ```
 */
export function createEntitlementVerifier(options: EntitlementVerifierOptions): EntitlementVerifier {
  if (!isRecord(options)) throw new TypeError('createEntitlementVerifier: options are required');
  const { issuer, publisherId } = options;
  if (!isNonEmptyString(issuer)) {
    throw new TypeError('createEntitlementVerifier: issuer is required (the paywall service URL)');
  }
  if (typeof publisherId !== 'string' || !PUBLISHER_ID.test(publisherId)) {
    throw new TypeError('createEntitlementVerifier: publisherId must be a publisher id like "pub_…"');
  }
  const leeway = checkSeconds(
    'clockToleranceSeconds',
    options.clockToleranceSeconds,
    30,
    MAX_CLOCK_TOLERANCE_SECONDS,
  );
  const maxAgeMs = checkSeconds('jwksMaxAgeSeconds', options.jwksMaxAgeSeconds, 300) * 1000;
  const cooldownMs = checkSeconds('unknownKidCooldownSeconds', options.unknownKidCooldownSeconds, 30) * 1000;
  const maxCachedTokens = options.maxCachedTokens ?? 10_000;
  if (!Number.isSafeInteger(maxCachedTokens) || maxCachedTokens < 0) {
    throw new TypeError('createEntitlementVerifier: maxCachedTokens must be a non-negative integer');
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new TypeError('createEntitlementVerifier: now must be a function returning epoch milliseconds');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError('createEntitlementVerifier: fetch must be a function');
  }
  const now = options.now ?? Date.now;
  if (typeof crypto === 'undefined' || typeof crypto.subtle === 'undefined') {
    throw new TypeError('createEntitlementVerifier: this runtime has no WebCrypto (crypto.subtle)');
  }
  const subtle = crypto.subtle;
  if (options.crypto !== undefined && options.crypto !== 'auto' && options.crypto !== 'webcrypto') {
    throw new TypeError("createEntitlementVerifier: crypto must be 'auto' or 'webcrypto'");
  }
  const node = options.crypto === 'webcrypto' ? null : builtinNodeCrypto();

  const staticJwks = options.jwks;
  let loadKeys: () => Promise<Map<string, VerificationKey>>;
  let source: string;
  if (staticJwks !== undefined) {
    if (options.jwksUrl !== undefined || options.fetch !== undefined) {
      throw new TypeError(
        'createEntitlementVerifier: give either jwks (static keys) or jwksUrl/fetch, not both',
      );
    }
    if (!isRecord(staticJwks) || !Array.isArray(staticJwks.keys)) {
      throw new TypeError('createEntitlementVerifier: jwks must be a JWKS object ({ keys: [...] })');
    }
    if (!staticJwks.keys.some((jwk) => usableJwk(jwk) !== null)) {
      throw new TypeError('createEntitlementVerifier: jwks holds no EC P-256 (ES256) public key with a kid');
    }
    // Copied so that later changes to the caller's object cannot change what we trust.
    const keys = staticJwks.keys.slice();
    source = 'the static jwks option';
    loadKeys = async () => {
      const imported = await importKeySet(subtle, node, keys);
      if (imported.size === 0) throw new Error('none of its keys could be imported');
      return imported;
    };
  } else {
    const jwksUrl = resolveJwksUrl(options);
    const customFetch = options.fetch;
    const doFetch: typeof fetch = customFetch ?? ((input, init) => globalThis.fetch(input, init));
    source = jwksUrl;
    loadKeys = async () => {
      const response = await doFetch(jwksUrl, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new Error(`the JWKS endpoint answered HTTP ${response.status}`);
      }
      const text = await response.text();
      if (text.length > MAX_JWKS_LENGTH) throw new Error('the JWKS document is too large');
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        throw new Error('the JWKS document is not JSON');
      }
      if (!isRecord(document) || !Array.isArray(document.keys)) {
        throw new Error('the JWKS document has no keys array');
      }
      const imported = await importKeySet(subtle, node, document.keys);
      // An empty set is far more likely a broken deploy than a wish to refuse every reader.
      if (imported.size === 0) throw new Error('the JWKS document has no usable ES256 key');
      return imported;
    };
  }
  const remote = staticJwks === undefined;

  let keys: Map<string, VerificationKey> | null = null;
  let inflight: Promise<void> | null = null;
  let inflightSince = 0;
  let loads = 0;
  let lastError: unknown = null;
  let refreshDueAt = 0;
  let lastLoadAttemptAt = Number.NEGATIVE_INFINITY;
  let lastKidRefetchAt = Number.NEGATIVE_INFINITY;
  const cache = new Map<string, EntitlementClaims>();

  function pending(): Promise<void> | null {
    if (inflight !== null && now() - inflightSince >= STALE_FETCH_MS) inflight = null;
    return inflight;
  }

  // Never rejects: a failed refresh keeps the keys we have, so that publishers keep serving.
  function refresh(): Promise<void> {
    const already = pending();
    if (already !== null) return already;
    const load = ++loads;
    const current = loadKeys().then(
      (fresh) => {
        // A dropped fetch that answers after its replacement holds the older key set.
        if (load !== loads) return;
        keys = fresh;
        lastError = null;
        refreshDueAt = remote ? now() + maxAgeMs : Number.POSITIVE_INFINITY;
      },
      (error: unknown) => {
        if (load !== loads) return;
        lastError = error;
        // Retry a failed background refresh only after the cooldown, not on every request.
        refreshDueAt = now() + cooldownMs;
      },
    );
    const tracked = current.finally(() => {
      // A stale fetch that settles late must not clear the one that replaced it.
      if (inflight === tracked) inflight = null;
    });
    inflight = tracked;
    inflightSince = now();
    return tracked;
  }

  async function resolveMissingKey(kid: string): Promise<VerificationKey> {
    const already = pending();
    if (already !== null) {
      await already;
    } else if (keys === null) {
      if (now() - lastLoadAttemptAt >= cooldownMs) {
        lastLoadAttemptAt = now();
        await refresh();
      }
    } else if (remote && now() - lastKidRefetchAt >= cooldownMs) {
      // A new kid usually means a key rotation; random kids from an attacker hit the cooldown.
      lastKidRefetchAt = now();
      await refresh();
    }
    const key = keys?.get(kid);
    if (key !== undefined) return key;
    if (keys === null) {
      throw new EntitlementError(
        'unknown_key',
        `No signing keys are available: loading them from ${source} failed (${describe(lastError)}); ` +
          `the next attempt is made after ${cooldownMs / 1000} s`,
        { cause: lastError },
      );
    }
    // The kid itself is attacker-controlled, so it stays out of the message (and out of logs).
    throw new EntitlementError('unknown_key', "The token's kid is not in the issuer's key set");
  }

  function checkClaims(payload: PayloadClaims, nowSeconds: number): EntitlementClaims {
    if (payload.iss !== issuer) {
      throw new EntitlementError('wrong_issuer', 'The token was issued by another issuer');
    }
    const aud = payload.aud;
    if (aud !== publisherId && !(Array.isArray(aud) && aud.includes(publisherId))) {
      throw new EntitlementError('wrong_audience', 'The token was issued for another publisher');
    }
    const exp = payload.exp;
    if (!isFiniteNumber(exp)) throw malformed('The token has no numeric exp claim');
    if (nowSeconds >= exp + leeway) throw expired(exp);
    const { iat, nbf } = payload;
    if (!isFiniteNumber(iat)) throw malformed('The token has no numeric iat claim');
    if (nbf !== undefined && !isFiniteNumber(nbf)) throw malformed('The nbf claim is not a number');
    if (iat > nowSeconds + leeway || (nbf !== undefined && nbf > nowSeconds + leeway)) {
      throw new EntitlementError('not_yet_valid', 'The token is not valid yet (is a clock wrong?)');
    }
    const { sub, jti, scope, membership, entitled_until: entitledUntil, article } = payload;
    if (scope !== 'full_text') throw malformed('The token scope is not full_text');
    if (!isNonEmptyString(sub) || !isNonEmptyString(jti)) throw malformed('The token sub or jti is missing');
    if (!isMembership(membership)) throw malformed('The token membership is not a known value');
    if (!isFiniteNumber(entitledUntil)) throw malformed('The token entitled_until claim is not a number');
    if (article !== undefined && typeof article !== 'string') {
      throw malformed('The token article is not a string');
    }
    // Only the array form can still be wrong here: a string aud already equals publisherId.
    if (typeof aud !== 'string' && !isStringArray(aud)) throw malformed('The token aud holds a non-string');
    const audience = typeof aud === 'string' ? aud : Object.freeze(aud.slice());
    const claims: { -readonly [K in keyof EntitlementClaims]: EntitlementClaims[K] } = {
      iss: issuer,
      aud: audience,
      sub,
      iat,
      exp,
      jti,
      scope,
      membership,
      entitled_until: entitledUntil,
    };
    if (nbf !== undefined) claims.nbf = nbf;
    if (article !== undefined) claims.article = article;
    return Object.freeze(claims);
  }

  // Every token signed with one key shares the same header segment, so its parse is remembered:
  // the last one for the common case, a few more for the overlap of a key rotation. Only headers
  // that passed every check are kept; the map is small and simply reset when full.
  const headerKids = new Map<string, string>();
  let lastHeader: string | null = null;
  let lastKid = '';

  function kidOfHeader(token: string, firstDot: number): string {
    if (lastHeader !== null && firstDot === lastHeader.length && token.startsWith(lastHeader)) return lastKid;
    const segment = token.slice(0, firstDot);
    let kid = headerKids.get(segment);
    if (kid === undefined) {
      kid = parseHeader(segment);
      if (headerKids.size >= MAX_CACHED_HEADERS) headerKids.clear();
      headerKids.set(segment, kid);
    }
    lastHeader = segment;
    lastKid = kid;
    return kid;
  }

  // The fast path's buffers, reused by every check: the token's bytes (the signing input is their
  // start), the decoded signature and its DER form. They are filled and read within one synchronous
  // stretch that calls no foreign code (no await, no hook), so no other verification can get in
  // between; the slow path, which awaits, gets buffers of its own.
  const scratch =
    node === null
      ? null
      : {
          token: new Uint8Array(MAX_TOKEN_LENGTH),
          signature: new Uint8Array(SIGNATURE_BYTES),
          der: new Uint8Array(DER_SIGNATURE_BYTES),
        };
  // The view of the signing input, kept while tokens keep the same length (most do), and those of
  // the DER signature, one per length (only a few occur).
  let signingInputView: Uint8Array | null = null;
  const derViews: (Uint8Array | undefined)[] = [];

  function refreshIfDue(nowMs: number, context: EntitlementVerifyContext | undefined): void {
    if (remote && keys !== null && nowMs >= refreshDueAt && pending() === null) {
      const refreshing = refresh();
      try {
        context?.waitUntil?.(refreshing);
      } catch {
        // A misbound hook (e.g. a detached ctx.waitUntil) only costs the refresh its keep-alive.
      }
    }
  }

  /** Throws synchronously for anything decidable before the signature check; `verify` turns that into a rejection. */
  function verifyUncached(
    token: string,
    nowMs: number,
    context: EntitlementVerifyContext | undefined,
  ): EntitlementClaims | Promise<EntitlementClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw malformed('The token is too long');
    const firstDot = token.indexOf('.');
    const secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
      throw malformed('The token is not a compact JWS of three parts');
    }
    const kid = kidOfHeader(token, firstDot);
    const signatureStart = secondDot + 1;
    if (token.length - signatureStart !== SIGNATURE_CHARS) {
      throw decodeBase64UrlText(token.slice(signatureStart), SEGMENT_BYTES) < 0
        ? malformed('The token signature is not base64url without padding')
        : new EntitlementError('invalid_signature', 'The token signature is not a raw ES256 signature');
    }
    // Looked up before the background refresh below is started, which makes no difference: a
    // refresh never changes `keys` synchronously.
    const known = keys?.get(kid);
    if (known !== undefined && node !== null && known.node !== null && scratch !== null) {
      // The fast path: node:crypto checks synchronously, so the whole verification is one call.
      const bytes = scratch.token;
      const copied = utf8Encoder.encodeInto(token, bytes);
      // Pure ASCII has one byte per character, so the string's offsets hold for the bytes; any
      // other token is malformed, which the general path below works out.
      if (copied.read === token.length && copied.written === token.length) {
        const signature = scratch.signature;
        if (decodeBase64Url(bytes, signatureStart, token.length, signature) !== SIGNATURE_BYTES) {
          throw malformed('The token signature is not base64url without padding');
        }
        let signingInput = signingInputView;
        if (signingInput === null || signingInput.length !== secondDot) {
          signingInput = bytes.subarray(0, secondDot);
          signingInputView = signingInput;
        }
        let valid: boolean;
        try {
          const derLength = encodeDerSignature(signature, scratch.der);
          let der = derViews[derLength];
          if (der === undefined) {
            der = scratch.der.subarray(0, derLength);
            derViews[derLength] = der;
          }
          valid = node.verify('sha256', signingInput, known.node, der);
        } catch {
          valid = false;
        }
        const payload = parsePayload(bytes, firstDot + 1, secondDot);
        // Only now, with the buffers read: a refresh may call the runtime's or the caller's code
        // (fetch, waitUntil), which could verify another token.
        refreshIfDue(nowMs, context);
        // Garbage stays `malformed` whatever the signature says, as no key can have signed it.
        if (payload === null) throw malformed('The token payload is not base64url-encoded JSON');
        if (!valid) throw new EntitlementError('invalid_signature', 'The token signature is invalid');
        return remember(token, checkClaims(payload, nowMs / 1000));
      }
    }
    const bytes = utf8Encoder.encode(token);
    // With a character beyond ASCII, which can only be in the payload once the signature has
    // decoded (the header passed its checks), the byte offsets no longer match: the payload is
    // then simply refused below.
    const ascii = bytes.length === token.length;
    const signature = new Uint8Array(SIGNATURE_BYTES);
    const signatureLength = ascii
      ? decodeBase64Url(bytes, signatureStart, token.length, signature)
      : decodeBase64UrlText(token.slice(signatureStart), signature);
    if (signatureLength !== SIGNATURE_BYTES) {
      throw malformed('The token signature is not base64url without padding');
    }
    const signingInput = bytes.subarray(0, secondDot);
    refreshIfDue(nowMs, context);
    return (async () => {
      const key = known ?? (await resolveMissingKey(kid));
      if (node !== null && key.node !== null) {
        const der = new Uint8Array(DER_SIGNATURE_BYTES);
        const derSignature = der.subarray(0, encodeDerSignature(signature, der));
        const valid = node.verify('sha256', signingInput, key.node, derSignature);
        return conclude(token, readPayload(bytes, ascii, firstDot, secondDot, nowMs), valid);
      }
      const verification = subtle.verify(ECDSA_SHA256, key.web, signature, signingInput);
      // The payload is read while WebCrypto checks the signature (on another thread in Node), which
      // hides its cost; its verdict counts only once the signature is known to be good.
      const read = readPayload(bytes, ascii, firstDot, secondDot, nowMs);
      return conclude(token, read, await verification);
    })();
  }

  interface PayloadReading {
    payload: PayloadClaims | null;
    claims: EntitlementClaims | null;
    refusal: unknown;
  }

  /** Never throws: a refusal is kept until the signature's verdict is known. */
  function readPayload(
    bytes: Uint8Array,
    ascii: boolean,
    firstDot: number,
    secondDot: number,
    nowMs: number,
  ): PayloadReading {
    const payload = ascii ? parsePayload(bytes, firstDot + 1, secondDot) : null;
    if (payload === null) return { payload, claims: null, refusal: null };
    try {
      return { payload, claims: checkClaims(payload, nowMs / 1000), refusal: null };
    } catch (error) {
      return { payload, claims: null, refusal: error };
    }
  }

  function conclude(token: string, read: PayloadReading, valid: boolean): EntitlementClaims {
    // Garbage stays `malformed` whatever the signature says, as no key can have signed it.
    if (read.payload === null) throw malformed('The token payload is not base64url-encoded JSON');
    if (!valid) throw new EntitlementError('invalid_signature', 'The token signature is invalid');
    if (read.claims === null) throw read.refusal;
    return remember(token, read.claims);
  }

  function remember(token: string, claims: EntitlementClaims): EntitlementClaims {
    if (maxCachedTokens > 0) {
      // Added before the oldest entry goes, so that a small cache never empties (an emptied Map
      // shrinks its table, to grow it again on the next token).
      cache.set(token, claims);
      if (cache.size > maxCachedTokens) {
        // Map iteration follows insertion order, so the first key is the oldest entry.
        const oldest = cache.keys().next();
        if (oldest.done !== true) cache.delete(oldest.value);
      }
    }
    return claims;
  }

  return {
    // Not async: a cached token is answered without the extra promise hops of an async function.
    // The cache is first-in first-out: a hot token evicted early costs one more signature check.
    verify(token: string, context?: EntitlementVerifyContext): Promise<EntitlementClaims> {
      try {
        if (typeof token !== 'string') throw malformed('The token is not a string');
        const nowMs = now();
        const cached = cache.get(token);
        if (cached === undefined) {
          const result = verifyUncached(token, nowMs, context);
          return result instanceof Promise ? result : Promise.resolve(result);
        }
        // Signature, issuer and audience cannot change for a given string; only time can.
        if (nowMs / 1000 < cached.exp + leeway) return Promise.resolve(cached);
        cache.delete(token);
        throw expired(cached.exp);
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
