/**
 * @module COSE public keys (RFC 9053) of passkeys, verified with WebCrypto on Workers and Node
 * alike: ES256 (P-256), EdDSA (Ed25519) and RS256, the algorithms a registration offers.
 */
import { base64url } from '../encoding';
import { type CborMap, decodeCbor, isCborMap } from './cbor';

export const COSE_ALG = { ES256: -7, EdDSA: -8, RS256: -257 } as const;

/** What a registration offers, in SimpleWebAuthn's default order. */
export const SUPPORTED_ALGORITHMS: readonly number[] = [COSE_ALG.EdDSA, COSE_ALG.ES256, COSE_ALG.RS256];

// COSE key parameters (RFC 9052 §7.1, RFC 9053 §7).
const KTY = 1;
const ALG = 3;
const CRV = -1;
const X = -2;
const Y = -3;
const RSA_N = -1;
const RSA_E = -2;
const KTY_OKP = 1;
const KTY_EC2 = 2;
const KTY_RSA = 3;
const CRV_P256 = 1;
const CRV_ED25519 = 6;

function bytesAt(key: CborMap, label: number, length?: number): Uint8Array {
  const value = key.get(label);
  if (!(value instanceof Uint8Array) || (length !== undefined && value.length !== length)) {
    throw new Error(`COSE key parameter ${label} is missing or malformed`);
  }
  return value;
}

/** The COSE key map, with the algorithm it names. Throws on anything but the three supported shapes. */
export function decodeCoseKey(bytes: Uint8Array): { key: CborMap; alg: number } {
  const key = decodeCbor(bytes);
  if (!isCborMap(key)) throw new Error('COSE key is not a map');
  const alg = key.get(ALG);
  if (typeof alg !== 'number') throw new Error('Credential public key was missing numeric alg');
  const kty = key.get(KTY);
  if (alg === COSE_ALG.ES256) {
    if (kty !== KTY_EC2 || key.get(CRV) !== CRV_P256) throw new Error('ES256 key is not an EC2 P-256 key');
    bytesAt(key, X, 32);
    bytesAt(key, Y, 32);
  } else if (alg === COSE_ALG.EdDSA) {
    if (kty !== KTY_OKP || key.get(CRV) !== CRV_ED25519) throw new Error('EdDSA key is not an Ed25519 key');
    bytesAt(key, X, 32);
  } else if (alg === COSE_ALG.RS256) {
    if (kty !== KTY_RSA) throw new Error('RS256 key is not an RSA key');
    if (bytesAt(key, RSA_N).length < 256) throw new Error('RSA key is shorter than 2048 bits');
    bytesAt(key, RSA_E);
  } else {
    throw new Error(`Unsupported public key alg ${alg}`);
  }
  return { key, alg };
}

/** An ASN.1 DER ECDSA signature (SEQUENCE of two INTEGERs) as the 64 bytes r ‖ s WebCrypto verifies. */
export function derToRawEcdsa(der: Uint8Array, size = 32): Uint8Array {
  let i = 0;
  const expect = (tag: number) => {
    if (der[i] !== tag) throw new Error('Malformed ECDSA signature');
    i += 1;
    const length = der[i] ?? 0;
    i += 1;
    if (length > 0x7f) throw new Error('Malformed ECDSA signature');
    return length;
  };
  if (expect(0x30) !== der.length - 2) throw new Error('Malformed ECDSA signature');
  const out = new Uint8Array(size * 2);
  for (const part of [0, 1]) {
    const length = expect(0x02);
    let int = der.subarray(i, i + length);
    i += length;
    if (int.length !== length || length === 0) throw new Error('Malformed ECDSA signature');
    while (int.length > size && int[0] === 0) int = int.subarray(1);
    if (int.length > size) throw new Error('Malformed ECDSA signature');
    out.set(int, part * size + (size - int.length));
  }
  if (i !== der.length) throw new Error('Malformed ECDSA signature');
  return out;
}

const b64 = (bytes: Uint8Array) => base64url(bytes);
/** A copy that owns its buffer, as WebCrypto's BufferSource types want. */
const own = (bytes: Uint8Array) => new Uint8Array(bytes);

/** Whether `signature` over `data` verifies under the COSE public key (the bytes stored at registration). */
export async function verifyCoseSignature(
  publicKey: Uint8Array,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const { key, alg } = decodeCoseKey(publicKey);
  const subtle = crypto.subtle;
  if (alg === COSE_ALG.ES256) {
    const jwk = { kty: 'EC', crv: 'P-256', x: b64(bytesAt(key, X)), y: b64(bytesAt(key, Y)) };
    const k = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    let raw: Uint8Array;
    try {
      raw = derToRawEcdsa(signature);
    } catch {
      return false;
    }
    return subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k, own(raw), own(data));
  }
  if (alg === COSE_ALG.EdDSA) {
    const k = await subtle.importKey('raw', own(bytesAt(key, X)), { name: 'Ed25519' }, false, ['verify']);
    return subtle.verify({ name: 'Ed25519' }, k, own(signature), own(data));
  }
  const jwk = { kty: 'RSA', n: b64(bytesAt(key, RSA_N)), e: b64(bytesAt(key, RSA_E)), alg: 'RS256' };
  const k = await subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  return subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, k, own(signature), own(data));
}
