/** @module Offline verification of OnePass entitlement tokens (ES256 JWS) against the issuer's cached JWKS. */
import { decodeBase64Url, decodeBase64UrlText } from './lib/base64url.js';
import { createClaimsCheck } from './lib/claims.js';
import { badSignature, EntitlementError, expired, malformed } from './lib/errors.js';
import { createHeaderReader } from './lib/header.js';
import { createKeySet, remoteKeyLoader, staticKeyLoader } from './lib/jwks.js';
import type { VerificationKey } from './lib/keys.js';
import { MAX_TOKEN_LENGTH, SIGNATURE_BYTES, SIGNATURE_CHARS } from './lib/limits.js';
import { resolveOptions } from './lib/options.js';
import type { PayloadClaims } from './lib/payload.js';
import { parsePayload, segmentBuffer } from './lib/segments.js';
import { checkSignature, createFastCheck, FORGED } from './lib/signature.js';
import { createTokenCache } from './lib/token-cache.js';
import type {
  EntitlementClaims,
  EntitlementVerifier,
  EntitlementVerifierOptions,
  EntitlementVerifyContext,
} from './lib/types.js';

const utf8Encoder = new TextEncoder();

/** A payload read while its signature is checked: a refusal is kept until the signature's verdict is known. */
interface PayloadReading {
  payload: PayloadClaims | null;
  claims: EntitlementClaims | null;
  refusal: unknown;
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
 * import { createEntitlementVerifier, EntitlementError } from '@onepass/verify';
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
  const settings = resolveOptions(options);
  const { leeway, now, subtle, node, keySource } = settings;
  const remote = keySource.kind === 'remote';
  const keySet = createKeySet({
    load: remote
      ? remoteKeyLoader(subtle, node, keySource.url, keySource.fetch)
      : staticKeyLoader(subtle, node, keySource.keys),
    source: remote ? keySource.url : 'the static jwks option',
    remote,
    maxAgeMs: settings.maxAgeMs,
    cooldownMs: settings.cooldownMs,
    now,
  });
  const checkClaims = createClaimsCheck(settings);
  const kidOfHeader = createHeaderReader();
  const cache = createTokenCache(settings.maxCachedTokens);
  const fastCheck = node === null ? null : createFastCheck(node);

  /** Throws synchronously for anything decided without waiting (a refusal before or after a synchronous check); `verify` turns that into a rejection. */
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
      throw decodeBase64UrlText(token.slice(signatureStart), segmentBuffer()) < 0
        ? malformed('The token signature is not base64url without padding')
        : new EntitlementError('invalid_signature', 'The token signature is not a raw ES256 signature');
    }
    // Looked up before the background refresh below is started, which makes no difference: a
    // refresh never changes the keys synchronously.
    const known = keySet.get(kid);
    if (known !== undefined && fastCheck !== null && known.node !== null) {
      // The fast path: node:crypto checks synchronously, so the whole verification is one call.
      const payload = fastCheck(token, firstDot, secondDot, known.node);
      if (payload !== undefined) {
        // Only now, with the fast path's buffers read: a refresh may call the runtime's or the
        // caller's code (fetch, waitUntil), which could verify another token.
        keySet.refreshIfDue(nowMs, context);
        if (payload === null) throw malformed('The token payload is not base64url-encoded JSON');
        if (payload === FORGED) throw badSignature();
        return cache.remember(token, checkClaims(payload, nowMs / 1000));
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
    keySet.refreshIfDue(nowMs, context);
    const check = (key: VerificationKey) => {
      // WebCrypto's check answers later (on another thread in Node): the payload is read
      // meanwhile, which hides its cost; its verdict counts only once the signature is known good.
      const verdict = checkSignature(subtle, node, key, signingInput, signature);
      const read = readPayload(bytes, ascii, firstDot, secondDot, nowMs);
      return typeof verdict === 'boolean'
        ? conclude(token, read, verdict)
        : verdict.then((valid) => conclude(token, read, valid));
    };
    // A known key is checked at once, with no promise but WebCrypto's own.
    return known !== undefined ? check(known) : keySet.resolveMissing(kid).then(check);
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
    if (!valid) throw badSignature();
    if (read.claims === null) throw read.refusal;
    return cache.remember(token, read.claims);
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
        cache.forget(token);
        throw expired(cached.exp);
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
