/** @module Strict base64url decoding: canonical unpadded base64url only, so a token has one spelling. */

const utf8Encoder = new TextEncoder();
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Every byte's sextet: -1 for the bytes outside the base64url alphabet (all of them above 127).
const SEXTETS = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < BASE64URL_ALPHABET.length; i++) table[BASE64URL_ALPHABET.charCodeAt(i)] = i;
  return table;
})();

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
export function decodeBase64Url(source: Uint8Array, start: number, end: number, target: Uint8Array): number {
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
export function decodeBase64UrlText(text: string, target: Uint8Array): number {
  const source = utf8Encoder.encode(text);
  return source.length === text.length ? decodeBase64Url(source, 0, source.length, target) : -1;
}
