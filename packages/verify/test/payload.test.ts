import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PayloadClaims, readFlatClaims } from '../src/lib/payload.js';
import { claimsAt } from './fixtures';

const CLAIMS = [
  'iss',
  'aud',
  'sub',
  'iat',
  'exp',
  'nbf',
  'jti',
  'scope',
  'membership',
  'entitled_until',
  'article',
  'meter_used',
  'meter_allowance',
  'meter_resets_at',
] as const;

/**
 * The reader's contract: it refuses (null), or the text is a JSON object and every claim member is
 * exactly what JSON.parse gives. A reader that said yes to anything else could make a forged or
 * garbled payload read differently from what the issuer signed.
 */
function expectAgreesWithJsonParse(text: string): PayloadClaims | null {
  const read = readFlatClaims(text);
  if (read === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`the reader accepted text that JSON.parse refuses: ${JSON.stringify(text)}`);
  }
  expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)).toBe(true);
  const record = parsed as Record<string, unknown>;
  for (const name of CLAIMS) {
    const expected = Object.hasOwn(record, name) ? record[name] : undefined;
    expect(Object.is(read[name], expected), `${name} in ${JSON.stringify(text)}`).toBe(true);
  }
  return read;
}

const jsonSpace = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r', '  \n ');
// Mostly what JSON allows between tokens, now and then what it does not.
const anySpace = fc.oneof(
  { arbitrary: jsonSpace, weight: 8 },
  { arbitrary: fc.constantFrom('\u00a0', '\v', '\f', '\u2028', '\ufeff'), weight: 1 },
);

const claimNames = fc.oneof(
  { arbitrary: fc.constantFrom(...CLAIMS), weight: 6 },
  {
    arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'is', 'scopes', 'ISS', 'kid', ''),
    weight: 1,
  },
);
const anyNames = fc.oneof(
  { arbitrary: claimNames, weight: 4 },
  { arbitrary: fc.string({ maxLength: 16, unit: 'binary' }), weight: 1 },
);

// What the issuer writes: strings that need no escape, and integers of up to 15 digits.
const plainValues = fc.oneof(
  fc.string({
    maxLength: 24,
    unit: fc.constantFrom('a', 'Z', '0', '_', '-', ' ', '/', ':', 'é', '\u007f', '\u2028', '😀'),
  }),
  fc.integer({ min: 0, max: 2 ** 31 }),
  fc.constantFrom(0, 1_780_000_000, 999_999_999_999_999, 100_000_000_000_000),
);
// And all the rest: escapes, control characters, lone surrogates, other numbers, literals, nesting.
const otherValues = fc.oneof(
  fc.string({ maxLength: 8, unit: fc.constantFrom('a', '"', '\\', '\n', '\u0000', '\u001f', '\ud800') }),
  fc.string({ maxLength: 12, unit: 'binary' }),
  fc.maxSafeInteger(),
  fc.integer({ min: -(2 ** 40), max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-0, 1e21, 1_234_567_890_123_456, 2 ** 53, 0.5, true, false, null),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const anyValues = fc.oneof({ arbitrary: plainValues, weight: 3 }, { arbitrary: otherValues, weight: 1 });

/** An object's text laid out with the given spacing, names possibly repeated. */
function objectTexts(
  name: fc.Arbitrary<string>,
  value: fc.Arbitrary<unknown>,
  space: fc.Arbitrary<string>,
): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(fc.tuple(name, value, space, space, space), { maxLength: 12 }), space, space)
    .map(([members, before, after]) => {
      const body = members
        .map(([n, v, a, b, c]) => `${a}${JSON.stringify(n)}${b}:${c}${JSON.stringify(v)}${a}`)
        .join(',');
      return `${before}{${body}}${after}`;
    });
}

const issuerTexts = objectTexts(claimNames, plainValues, jsonSpace);
const anyTexts = objectTexts(anyNames, anyValues, anySpace);

/** A text broken (or not) at one place: what a forger could hand the parser. */
const mutatedTexts = fc
  .tuple(
    fc.oneof(issuerTexts, anyTexts),
    fc.nat(),
    fc.constantFrom('delete', 'insert', 'replace'),
    fc.string({ minLength: 1, maxLength: 2 }),
  )
  .map(([text, at, how, piece]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    if (how === 'delete') return text.slice(0, i) + text.slice(i + 1);
    if (how === 'insert') return text.slice(0, i) + piece + text.slice(i);
    return text.slice(0, i) + piece + text.slice(i + 1);
  });

describe('the payload reader', () => {
  it('reads the payload the issuer writes without falling back to JSON.parse', () => {
    const claims = claimsAt(1_780_000_000, { article: 'artículo/42', nbf: 1_780_000_000 });
    const read = expectAgreesWithJsonParse(JSON.stringify(claims));

    expect(read).not.toBeNull();
    expect(read).toMatchObject(claims);
  });

  it('reads every flat object of strings and small integers, exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(issuerTexts, (text) => {
        expect(expectAgreesWithJsonParse(text), text).not.toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with JSON.parse on every other object text it accepts', () => {
    fc.assert(
      fc.property(anyTexts, (text) => {
        expectAgreesWithJsonParse(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('never accepts a broken text, and agrees with JSON.parse on the ones still valid', () => {
    fc.assert(
      fc.property(mutatedTexts, (text) => {
        expectAgreesWithJsonParse(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('never mistakes another name for a claim, however close its characters', () => {
    // Three-character names made of the claims' own letters and of code units of every width,
    // where a sloppy packing of the characters would make two names collide.
    const unit = fc.oneof(
      fc.constantFrom(...'issaudsubiatexpnbfjti'),
      fc.integer({ min: 0x20, max: 0xffff }).map((code) => String.fromCharCode(code)),
      fc.constantFrom('\u0173', '\u6900', '\u7373', '\u2073', '\u7300', ' '),
    );
    const name = fc.tuple(unit, unit, unit).map((units) => units.join(''));
    fc.assert(
      fc.property(name, plainValues, (n, value) => {
        expectAgreesWithJsonParse(`{${JSON.stringify(n)}:${JSON.stringify(value)}}`);
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with JSON.parse on arbitrary JSON and arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string({ unit: 'binary' })), (text) => {
        expectAgreesWithJsonParse(text);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['names that only look like claims', '{"i \u7373":"x","\u0173\u0173":1,"issx":"y"}', { iss: undefined }],
    [
      'a repeated name keeps its last value',
      '{"membership":"trial","membership":"paid"}',
      { membership: 'paid' },
    ],
    ['JSON whitespace anywhere between tokens', ' \t{ "iat" :\r\n12 ,"sub": "x" }\n', { iat: 12, sub: 'x' }],
    ['an empty object', '{}', { iss: undefined }],
    ['a zero', '{"nbf":0}', { nbf: 0 }],
    ['15 digits', '{"exp":999999999999999}', { exp: 999999999999999 }],
    ['characters beyond ASCII, unescaped', '{"article":"é\u2028😀"}', { article: 'é\u2028😀' }],
  ])('reads %s', (_, text, expected) => {
    expect(expectAgreesWithJsonParse(text)).toMatchObject(expected);
  });

  it.each([
    ['an escape in a string', '{"sub":"a\\"b"}'],
    ['an escaped name', '{"s\\u0075b":"x"}'],
    ['a control character in a string', '{"sub":"a\u0001"}'],
    ['a leading zero', '{"iat":012}'],
    ['a fraction', '{"iat":1.5}'],
    ['an exponent', '{"iat":1e3}'],
    ['a negative number', '{"iat":-1}'],
    ['16 digits', '{"exp":1234567890123456}'],
    ['an integer beyond 2^53', '{"exp":9007199254740993}'],
    ['an audience list', '{"aud":["pub_a"]}'],
    ['a nested object', '{"x":{}}'],
    ['a literal', '{"x":true}'],
    ['a trailing comma', '{"iss":"a",}'],
    ['a missing comma', '{"iss":"a" "sub":"b"}'],
    ['text after the object', '{"iss":"a"}x'],
    ['two objects', '{}{}'],
    ['an unterminated string', '{"iss":"a'],
    ['an unterminated object', '{"iss":"a"'],
    ['a non-JSON space', '{\u00a0"iss":"a"}'],
    ['a byte-order mark', '\ufeff{"iss":"a"}'],
    ['a single-quoted string', "{'iss':'a'}"],
    ['an array', '[]'],
    ['nothing', ''],
  ])('leaves %s to JSON.parse', (_, text) => {
    expect(readFlatClaims(text)).toBeNull();
  });
});
