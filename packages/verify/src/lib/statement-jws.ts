/**
 * @module The statement's signature: a compact JWS, ES256 pinned, `typ: statement+jwt`, no `crit`,
 * checked with WebCrypto against a key of the issuer's JWKS picked by `kid`.
 */
import { decodeBase64UrlText } from './base64url.js';
import { isNonEmptyString, isRecord } from './guards.js';
import { importKeySet } from './keys.js';
import { MAX_KID_LENGTH, SIGNATURE_BYTES } from './limits.js';

/** The `typ` of a statement's JWS header: an entitlement token can never pass for a statement. */
export const STATEMENT_TYPE = 'statement+jwt';
/** The longest statement looked at (a line is about 150 bytes: thousands of publishers fit). */
export const MAX_STATEMENT_LENGTH = 4 * 1024 * 1024;

const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' };

function decode(segment: string): Uint8Array<ArrayBuffer> | null {
  const target = new Uint8Array(Math.ceil((segment.length * 3) / 4));
  const length = decodeBase64UrlText(segment, target);
  return length < 0 ? null : target.subarray(0, length);
}

function json(segment: string): Record<string, unknown> | null {
  const bytes = decode(segment);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(
      new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes),
    );
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/** A statement's parts, read without checking the signature: what the other checks look at. */
export interface ParsedStatement {
  kid: string;
  payload: Record<string, unknown>;
  signingInput: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

/** Reads a compact JWS; throws an Error saying what is wrong with it (never with the key). */
export function parseStatementJws(jws: string): ParsedStatement {
  if (jws.length > MAX_STATEMENT_LENGTH) throw new Error('The statement is too long');
  const parts = jws.split('.');
  if (parts.length !== 3) throw new Error('The statement is not a compact JWS (three dot-separated parts)');
  const [h = '', p = '', s = ''] = parts;
  const header = json(h);
  if (!header) throw new Error('The statement header is not base64url-encoded JSON');
  // The algorithm is pinned: `none`, HS256 and the like never reach a key.
  if (header.alg !== 'ES256') throw new Error('The statement algorithm is not ES256');
  if (header.typ !== STATEMENT_TYPE) throw new Error(`The statement typ is not ${STATEMENT_TYPE}`);
  if (header.crit !== undefined) throw new Error('The statement has critical header parameters');
  const kid = header.kid;
  if (!isNonEmptyString(kid) || kid.length > MAX_KID_LENGTH)
    throw new Error('The statement kid is missing or invalid');
  const payload = json(p);
  if (!payload) throw new Error('The statement payload is not base64url-encoded JSON of an object');
  const signature = decode(s);
  if (!signature || signature.length !== SIGNATURE_BYTES)
    throw new Error('The statement signature is not 64 bytes of base64url');
  return { kid, payload, signingInput: new Uint8Array(new TextEncoder().encode(`${h}.${p}`)), signature };
}

/** Checks the signature with the JWKS entry of the statement's `kid`; throws an Error saying why not. */
export async function checkStatementSignature(
  parsed: ParsedStatement,
  jwks: readonly unknown[],
): Promise<void> {
  const keys = await importKeySet(crypto.subtle, null, jwks);
  const key = keys.get(parsed.kid);
  if (!key) throw new Error("The statement's kid is not in the issuer's key set");
  const valid = await crypto.subtle.verify(ECDSA_SHA256, key.web, parsed.signature, parsed.signingInput);
  if (!valid) throw new Error('The statement signature does not verify with the key of its kid');
}

/** Loads a JWKS document from a URL (5 s timeout, 256 KiB cap); throws an Error saying why not. */
export async function fetchJwks(url: string, doFetch: typeof fetch = fetch): Promise<unknown[]> {
  const response = await doFetch(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`the JWKS endpoint answered HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > 256 * 1024) throw new Error('the JWKS document is too large');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error('the JWKS document is not JSON');
  }
  if (!isRecord(document) || !Array.isArray(document.keys))
    throw new Error('the JWKS document has no keys array');
  return document.keys;
}
