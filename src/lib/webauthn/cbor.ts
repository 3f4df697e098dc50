/**
 * @module A strict CBOR decoder (RFC 8949) for what WebAuthn authenticators send: attestation
 * objects, COSE keys and extension maps. Definite lengths only, no tags, no floats, integers within
 * the safe range, maps keyed by integers or text without duplicates; anything else is refused.
 */

export type CborValue = number | string | boolean | null | Uint8Array | CborValue[] | CborMap;
export type CborMap = Map<number | string, CborValue>;

const MAX_DEPTH = 16;

class Reader {
  offset: number;
  constructor(
    readonly bytes: Uint8Array,
    offset: number,
  ) {
    this.offset = offset;
  }

  byte(): number {
    const b = this.bytes[this.offset];
    if (b === undefined) throw new Error('CBOR: unexpected end of data');
    this.offset += 1;
    return b;
  }

  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw new Error('CBOR: unexpected end of data');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** The argument of a head: the value itself below 24, else the 1, 2, 4 or 8 bytes after it. */
  argument(info: number): number {
    if (info < 24) return info;
    const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
    if (size === undefined) throw new Error('CBOR: indefinite or reserved length');
    let value = 0;
    for (const b of this.take(size)) value = value * 256 + b;
    if (!Number.isSafeInteger(value)) throw new Error('CBOR: integer out of range');
    return value;
  }
}

function item(r: Reader, depth: number): CborValue {
  if (depth > MAX_DEPTH) throw new Error('CBOR: nested too deep');
  const head = r.byte();
  const major = head >> 5;
  const info = head & 0x1f;
  if (major === 7) {
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 22) return null;
    throw new Error('CBOR: unsupported simple value or float');
  }
  const arg = r.argument(info);
  switch (major) {
    case 0:
      return arg;
    case 1:
      return -1 - arg;
    case 2:
      return r.take(arg).slice();
    case 3:
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(r.take(arg));
    case 4: {
      const list: CborValue[] = [];
      for (let i = 0; i < arg; i++) list.push(item(r, depth + 1));
      return list;
    }
    case 5: {
      const map: CborMap = new Map();
      for (let i = 0; i < arg; i++) {
        const key = item(r, depth + 1);
        if (typeof key !== 'number' && typeof key !== 'string') throw new Error('CBOR: unsupported map key');
        if (map.has(key)) throw new Error('CBOR: duplicate map key');
        map.set(key, item(r, depth + 1));
      }
      return map;
    }
    default:
      throw new Error('CBOR: tags are not supported');
  }
}

/** Decodes the item that starts at `offset`, and says where it ends (authenticator data holds several). */
export function decodeCborAt(bytes: Uint8Array, offset = 0): { value: CborValue; end: number } {
  const r = new Reader(bytes, offset);
  const value = item(r, 0);
  return { value, end: r.offset };
}

/** Decodes bytes that hold exactly one item. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const { value, end } = decodeCborAt(bytes);
  if (end !== bytes.length) throw new Error('CBOR: bytes left over after the item');
  return value;
}

export function isCborMap(value: CborValue | undefined): value is CborMap {
  return value instanceof Map;
}
