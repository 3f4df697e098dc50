/** @module The JSON parts of a token: base64url-decoded, checked as UTF-8, parsed into objects. */
import { decodeBase64Url } from './base64url.js';
import { isRecord } from './guards.js';
import { MAX_TOKEN_LENGTH } from './limits.js';
import { type PayloadClaims, readFlatClaims } from './payload.js';

// ignoreBOM keeps a byte-order mark in the text, where JSON.parse then refuses it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();
// Where the JSON parts are decoded to: big enough for any segment of a token of the maximum length.
// It is filled and read back within one synchronous call, so every verifier can share it.
const SEGMENT_BYTES = new Uint8Array((MAX_TOKEN_LENGTH * 3) >> 2);
// The view of it handed to the UTF-8 decoder, kept while segments keep the same length (most do).
let segmentView = SEGMENT_BYTES.subarray(0, 0);

/**
 * A buffer with room for any segment's bytes, shared: whatever a caller decodes into it must be read
 * before the next call into this module.
 */
export function segmentBuffer(): Uint8Array {
  return SEGMENT_BYTES;
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
export function parseHeaderJson(segment: string): Record<string, unknown> | null {
  const source = utf8Encoder.encode(segment);
  if (source.length !== segment.length) return null;
  const text = decodeSegment(source, 0, source.length);
  return text === null ? null : parseJsonObject(text);
}

/**
 * Parses the payload in source[start..end): the issuer's usual flat shape directly, anything else
 * with JSON.parse; null unless it is base64url-encoded JSON of an object.
 */
export function parsePayload(source: Uint8Array, start: number, end: number): PayloadClaims | null {
  const text = decodeSegment(source, start, end);
  if (text === null) return null;
  return readFlatClaims(text) ?? parseJsonObject(text);
}
