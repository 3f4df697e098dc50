/** @module Reads a token payload's JSON text into the claim members, without JSON.parse for the issuer's flat shape. */

/** The payload members the claims are made of: all that a verification ever reads of a payload. */
export type PayloadClaims = {
  iss?: unknown;
  aud?: unknown;
  sub?: unknown;
  iat?: unknown;
  exp?: unknown;
  nbf?: unknown;
  jti?: unknown;
  scope?: unknown;
  membership?: unknown;
  entitled_until?: unknown;
  article?: unknown;
  meter_used?: unknown;
  meter_allowance?: unknown;
  meter_resets_at?: unknown;
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
// Up to 15 digits every integer is exact in a double, as JSON.parse reads it.
const MAX_DIGITS = 15;

// Three characters as one number: their three 16-bit code units side by side, exact in a double
// (48 bits), so that two names give the same number only when they are the same name.
function threeUnits(text: string, i: number): number {
  return text.charCodeAt(i) * 0x1_0000_0000 + text.charCodeAt(i + 1) * 0x1_0000 + text.charCodeAt(i + 2);
}
const ISS = threeUnits('iss', 0);
const AUD = threeUnits('aud', 0);
const SUB = threeUnits('sub', 0);
const IAT = threeUnits('iat', 0);
const EXP = threeUnits('exp', 0);
const NBF = threeUnits('nbf', 0);
const JTI = threeUnits('jti', 0);

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    // JSON's four whitespace characters, and no other.
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

// Where the string whose contents start at i ends (its closing quote), or -1 when it holds an
// escape or a control character (JSON.parse handles those), or is not closed.
function endOfString(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20) return -1;
  }
  return -1;
}

/** Stores a member's value when its name is one of the claims; other members are skipped. */
function assign(
  claims: PayloadClaims,
  text: string,
  start: number,
  end: number,
  value: string | number,
): void {
  switch (end - start) {
    case 3: {
      // Told apart by their characters, without making a string of the name.
      const name = threeUnits(text, start);
      if (name === ISS) claims.iss = value;
      else if (name === AUD) claims.aud = value;
      else if (name === SUB) claims.sub = value;
      else if (name === IAT) claims.iat = value;
      else if (name === EXP) claims.exp = value;
      else if (name === NBF) claims.nbf = value;
      else if (name === JTI) claims.jti = value;
      return;
    }
    case 5:
      if (text.startsWith('scope', start)) claims.scope = value;
      return;
    case 7:
      if (text.startsWith('article', start)) claims.article = value;
      return;
    case 10:
      if (text.startsWith('membership', start)) claims.membership = value;
      else if (text.startsWith('meter_used', start)) claims.meter_used = value;
      return;
    case 14:
      if (text.startsWith('entitled_until', start)) claims.entitled_until = value;
      return;
    case 15:
      if (text.startsWith('meter_allowance', start)) claims.meter_allowance = value;
      else if (text.startsWith('meter_resets_at', start)) claims.meter_resets_at = value;
      return;
  }
}

/**
 * Reads a payload written the way the issuer writes one (`JSON.stringify` of flat claims): a
 * single object whose members are strings without escapes, or unsigned integers of at most 15
 * digits. Returns null for any other text, valid JSON or not (escapes, fractions, exponents,
 * negative numbers, literals, arrays, nested objects), which the caller then gives to JSON.parse.
 *
 * For a text it accepts, the text is valid JSON, and every claim member holds exactly what
 * JSON.parse would give (a name given twice keeps its last value, as there); a member that is
 * absent is `undefined`. It spares JSON.parse building, and interning strings for, a whole object
 * that is read once and dropped.
 */
export function readFlatClaims(text: string): PayloadClaims | null {
  const claims: PayloadClaims = {
    iss: undefined,
    aud: undefined,
    sub: undefined,
    iat: undefined,
    exp: undefined,
    nbf: undefined,
    jti: undefined,
    scope: undefined,
    membership: undefined,
    entitled_until: undefined,
    article: undefined,
    meter_used: undefined,
    meter_allowance: undefined,
    meter_resets_at: undefined,
  };
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return null;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return skipSpace(text, i + 1) === text.length ? claims : null;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return null;
    const nameStart = i + 1;
    const nameEnd = endOfString(text, nameStart);
    if (nameEnd < 0) return null;
    i = skipSpace(text, nameEnd + 1);
    if (text.charCodeAt(i) !== COLON) return null;
    i = skipSpace(text, i + 1);
    const first = text.charCodeAt(i);
    let value: string | number;
    if (first === QUOTE) {
      const valueEnd = endOfString(text, i + 1);
      if (valueEnd < 0) return null;
      value = text.slice(i + 1, valueEnd);
      i = valueEnd + 1;
    } else if (first >= DIGIT_0 && first <= DIGIT_9) {
      const start = i;
      let n = first - DIGIT_0;
      // JSON allows no leading zero, so a 0 stands alone. A fraction, an exponent or a digit after
      // a 0 leaves a character that no separator below matches, so such a text goes to JSON.parse.
      if (first !== DIGIT_0) {
        for (let c = text.charCodeAt(++i); c >= DIGIT_0 && c <= DIGIT_9; c = text.charCodeAt(++i)) {
          n = n * 10 + (c - DIGIT_0);
        }
      } else {
        i++;
      }
      if (i - start > MAX_DIGITS) return null;
      value = n;
    } else {
      return null;
    }
    assign(claims, text, nameStart, nameEnd, value);
    i = skipSpace(text, i);
    const separator = text.charCodeAt(i);
    if (separator === CLOSE_BRACE) return skipSpace(text, i + 1) === text.length ? claims : null;
    if (separator !== COMMA) return null;
    i = skipSpace(text, i + 1);
  }
}
