/** @module The raw ES256 signature (r || s) as the DER that OpenSSL reads, for node:crypto. */
import { SIGNATURE_BYTES } from './limits.js';

// The longest DER form of an ES256 signature: SEQUENCE { INTEGER r, INTEGER s }, each of 32 bytes
// plus a zero byte when its top bit is set.
/** The room a DER signature needs at most. */
export const DER_SIGNATURE_BYTES = 72;

/**
 * Writes the raw signature (r || s, 32 bytes each) as the DER that OpenSSL reads, and returns its
 * length. node:crypto would otherwise convert it on every check (`dsaEncoding: 'ieee-p1363'`),
 * through a round of big-number allocations; the integers, and so the verdict, are the same. The
 * encoding is the canonical one (minimal integers), which OpenSSL insists on.
 */
export function encodeDerSignature(raw: Uint8Array, der: Uint8Array): number {
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
