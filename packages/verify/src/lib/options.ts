/** @module The verifier's options, checked once at creation: a misconfiguration throws a `TypeError` there, never later. */
import { isFiniteNumber, isNonEmptyString, isRecord } from './guards.js';
import { usableJwk } from './keys.js';
import { builtinNodeCrypto, type NodeCrypto } from './node-crypto.js';
import type { EntitlementVerifierOptions } from './types.js';

const PUBLISHER_ID = /^pub_[A-Za-z0-9_-]{1,128}$/;
const MAX_CLOCK_TOLERANCE_SECONDS = 60;

/** Where the keys come from: given once, or fetched from a JWKS URL. */
export type KeySource =
  | { readonly kind: 'static'; readonly keys: readonly unknown[] }
  | { readonly kind: 'remote'; readonly url: string; readonly fetch: typeof fetch };

/** The options once checked, with their defaults filled in. */
export interface VerifierSettings {
  readonly issuer: string;
  readonly publisherId: string;
  /** The clock tolerance, in seconds. */
  readonly leeway: number;
  readonly maxAgeMs: number;
  readonly cooldownMs: number;
  readonly maxCachedTokens: number;
  readonly now: () => number;
  readonly subtle: SubtleCrypto;
  /** The runtime's node:crypto, unless absent or `crypto: 'webcrypto'` was asked for. */
  readonly node: NodeCrypto | null;
  readonly keySource: KeySource;
}

function checkSeconds(name: string, value: number | undefined, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (!isFiniteNumber(value) || value < 0 || value > max) {
    const range = max === Infinity ? 'a non-negative number' : `between 0 and ${max}`;
    throw new TypeError(`createEntitlementVerifier: ${name} must be ${range} of seconds`);
  }
  return value;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
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

function resolveKeySource(options: EntitlementVerifierOptions): KeySource {
  const staticJwks = options.jwks;
  if (staticJwks === undefined) {
    const url = resolveJwksUrl(options);
    const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    return { kind: 'remote', url, fetch: doFetch };
  }
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
  return { kind: 'static', keys: staticJwks.keys.slice() };
}

/** Checks the options of `createEntitlementVerifier`; throws a `TypeError` for the first one that is wrong. */
export function resolveOptions(options: EntitlementVerifierOptions): VerifierSettings {
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
  const keySource = resolveKeySource(options);
  return { issuer, publisherId, leeway, maxAgeMs, cooldownMs, maxCachedTokens, now, subtle, node, keySource };
}
