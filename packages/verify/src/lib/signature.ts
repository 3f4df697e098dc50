/** @module The ES256 signature check: node:crypto on reused buffers (the fast path), else WebCrypto. */
import { decodeBase64Url } from './base64url.js';
import { DER_SIGNATURE_BYTES, encodeDerSignature } from './der.js';
import { malformed } from './errors.js';
import type { VerificationKey } from './keys.js';
import { MAX_TOKEN_LENGTH, SIGNATURE_BYTES } from './limits.js';
import type { NodeCrypto, NodeVerifyKey } from './node-crypto.js';
import type { PayloadClaims } from './payload.js';
import { parsePayload } from './segments.js';

const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' };
const utf8Encoder = new TextEncoder();

/** Bytes as TextEncoder makes them, which WebCrypto takes under both the DOM's and the Workers' types. */
export type EncodedBytes = ReturnType<TextEncoder['encode']>;

/** What the fast path answers for a token whose payload reads but whose signature does not verify. */
export const FORGED: unique symbol = Symbol('forged');

/**
 * The fast path of one verifier: checks a pure-ASCII token's signature synchronously with
 * node:crypto and reads its payload, so that the whole verification is one call. Its answer:
 * `undefined` when the token is not pure ASCII (the general path works that out), `null` when the
 * payload is not base64url-encoded JSON of an object (garbage stays `malformed` whatever the
 * signature says, as no key can have signed it), {@link FORGED} when the signature does not verify,
 * else the payload. Throws `malformed` when the signature is not canonical base64url.
 */
export type FastCheck = (
  token: string,
  firstDot: number,
  secondDot: number,
  key: NodeVerifyKey,
) => PayloadClaims | null | typeof FORGED | undefined;

/**
 * A fast path with buffers of its own, reused by every check: the token's bytes (the signing input
 * is their start), the decoded signature and its DER form. They are filled and read within one
 * synchronous call that calls no foreign code (no await, no hook), so no other verification can get
 * in between; the slow path, which awaits, gets buffers of its own.
 */
export function createFastCheck(node: NodeCrypto): FastCheck {
  const tokenBytes = new Uint8Array(MAX_TOKEN_LENGTH);
  const rawSignature = new Uint8Array(SIGNATURE_BYTES);
  const derSignature = new Uint8Array(DER_SIGNATURE_BYTES);
  // The view of the signing input, kept while tokens keep the same length (most do), and those of
  // the DER signature, one per length (only a few occur).
  let signingInputView: Uint8Array | null = null;
  const derViews: (Uint8Array | undefined)[] = [];

  return function fastCheck(token, firstDot, secondDot, key) {
    const copied = utf8Encoder.encodeInto(token, tokenBytes);
    // Pure ASCII has one byte per character, so the string's offsets hold for the bytes; any
    // other token is malformed, which the general path works out.
    if (copied.read !== token.length || copied.written !== token.length) return undefined;
    if (decodeBase64Url(tokenBytes, secondDot + 1, token.length, rawSignature) !== SIGNATURE_BYTES) {
      throw malformed('The token signature is not base64url without padding');
    }
    let signingInput = signingInputView;
    if (signingInput === null || signingInput.length !== secondDot) {
      signingInput = tokenBytes.subarray(0, secondDot);
      signingInputView = signingInput;
    }
    let valid: boolean;
    try {
      const derLength = encodeDerSignature(rawSignature, derSignature);
      let der = derViews[derLength];
      if (der === undefined) {
        der = derSignature.subarray(0, derLength);
        derViews[derLength] = der;
      }
      valid = node.verify('sha256', signingInput, key, der);
    } catch {
      valid = false;
    }
    const payload = parsePayload(tokenBytes, firstDot + 1, secondDot);
    if (payload === null) return null;
    return valid ? payload : FORGED;
  };
}

/**
 * Checks a raw signature over the signing input with a key of any kind: synchronously with
 * node:crypto when the key has a node:crypto form, else with WebCrypto (a promise). The buffers are
 * the caller's own, as the check may outlive the call.
 */
export function checkSignature(
  subtle: SubtleCrypto,
  node: NodeCrypto | null,
  key: VerificationKey,
  signingInput: EncodedBytes,
  signature: EncodedBytes,
): boolean | Promise<boolean> {
  if (node !== null && key.node !== null) {
    const der = new Uint8Array(DER_SIGNATURE_BYTES);
    const derSignature = der.subarray(0, encodeDerSignature(signature, der));
    return node.verify('sha256', signingInput, key.node, derSignature);
  }
  return subtle.verify(ECDSA_SHA256, key.web, signature, signingInput);
}
