/** Byte encodings and ids: the native (Buffer) and portable paths agree, ids are well-formed and unique. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idChars, isId, newId } from '../../src/db/ids';
import { asciiBytes, base32, base64url, base64urlPortable, base64urlText } from '../../src/lib/encoding';

describe('base64url', () => {
  it('matches RFC 4648 test vectors without padding', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, encoded] of vectors) {
      const bytes = new TextEncoder().encode(text);
      expect(base64url(bytes)).toBe(encoded);
      expect(base64urlPortable(bytes)).toBe(encoded);
      expect(base64urlText(text)).toBe(encoded);
    }
    // The URL-safe alphabet: 0xfb 0xff → "-_8".
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(base64urlPortable(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('gives the same answer on both paths for any bytes, views into larger buffers and text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(8), (bytes, offset) => {
        const backing = new Uint8Array(bytes.length + offset + 3).fill(0xaa);
        backing.set(bytes, offset);
        const view = backing.subarray(offset, offset + bytes.length);
        expect(base64url(view)).toBe(base64urlPortable(bytes));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(base64urlText(text)).toBe(base64urlPortable(new TextEncoder().encode(text)));
      }),
    );
  });
});

describe('asciiBytes', () => {
  it('gives the UTF-8 bytes of any ASCII text (a JWS signing input), one per character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) }),
        (text) => {
          const bytes = asciiBytes(text);
          expect(bytes).toBeInstanceOf(Uint8Array);
          expect([...bytes]).toEqual([...new TextEncoder().encode(text)]);
        },
      ),
    );
    expect([...asciiBytes('eyJ.a-_')]).toEqual([101, 121, 74, 46, 97, 45, 95]);
  });
});

describe('newId', () => {
  it('makes prefixed base32 ids with no repeats across many pool refills', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const id = newId('token');
      expect(isId('token', id)).toBe(true);
      ids.add(id);
    }
    expect(ids.size).toBe(5_000);
    // Every character position is random: over 5,000 ids each position takes many values.
    for (let pos = 4; pos < 24; pos++) {
      expect(new Set([...ids].map((id) => id[pos])).size).toBeGreaterThan(20);
    }
  });

  it('writes the first 100 bits of its 13 bytes as base32 does, wherever they sit in the pool', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 13, maxLength: 64 }), fc.nat(), (bytes, n) => {
        const at = n % (bytes.length - 12);
        expect(idChars(bytes, at)).toBe(base32(bytes.subarray(at, at + 13)).slice(0, 20));
      }),
      { numRuns: 2_000 },
    );
    expect(idChars(new Uint8Array(13), 0)).toBe('a'.repeat(20));
    expect(idChars(new Uint8Array(13).fill(255), 0)).toBe('7'.repeat(20));
  });

  it('encodes base32 in the ids’ alphabet', () => {
    expect(base32(new TextEncoder().encode('foobar'))).toBe('mzxw6ytboi');
  });
});
