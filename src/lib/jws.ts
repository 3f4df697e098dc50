/**
 * @module ES256 compact JWS signing: `node:crypto` where the runtime has it (synchronous), else
 * WebCrypto. The key is imported once per configuration.
 */
import { asciiBytes, base64url, base64urlText } from './encoding';
import { type NodeCrypto, nodeCrypto } from './node-crypto';

export interface EcPrivateJwk {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
}

/** Synchronous where the runtime's `node:crypto` signs; a promise from WebCrypto. */
type Signer = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** Per owner: the signer being made, then the signer itself (no `await` once it is ready). */
const signers = new WeakMap<object, Signer | Promise<Signer>>();

async function makeSigner(jwk: EcPrivateJwk): Promise<Signer> {
  const parts = { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y), d: String(jwk.d) };
  const node: NodeCrypto | null = nodeCrypto();
  if (node) {
    try {
      const key = node.createPrivateKey({ key: parts, format: 'jwk' });
      const probe = node.sign('sha256', new Uint8Array(1), { key, dsaEncoding: 'ieee-p1363' });
      if (probe.length === 64) {
        return (data) => node.sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
      }
    } catch {
      // This runtime's node:crypto cannot do it (e.g. no key objects in sign): WebCrypto below.
    }
  }
  const key = await crypto.subtle.importKey('jwk', parts, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
  ]);
  return async (data) =>
    new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, data));
}

/** Encoded header segments of frozen headers: one reused across calls is encoded once. */
const headerSegments = new WeakMap<object, string>();

/**
 * Signs `payload` under `header` (which must say `alg: ES256`); `owner` keys the imported-key cache.
 * A frozen header (`Object.freeze`, as the token issuer's) is encoded once and its encoding kept;
 * any other is encoded on every call, so changing one between calls is safe.
 */
export async function signEs256(
  owner: object,
  jwk: EcPrivateJwk,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  let signer = signers.get(owner);
  if (signer === undefined) {
    const making = makeSigner(jwk);
    signers.set(owner, making);
    // Once made, the signer replaces its promise; a failure leaves the next call to try again.
    making.then(
      (made) => signers.set(owner, made),
      () => signers.delete(owner),
    );
    signer = making;
  }
  if (signer instanceof Promise) signer = await signer;
  let head = headerSegments.get(header);
  if (head === undefined) {
    head = base64urlText(JSON.stringify(header));
    if (Object.isFrozen(header)) headerSegments.set(header, head);
  }
  const input = `${head}.${base64urlText(JSON.stringify(payload))}`;
  // The input is base64url and a dot: ASCII.
  const signed = signer(asciiBytes(input));
  const signature = signed instanceof Promise ? await signed : signed;
  return `${input}.${base64url(signature)}`;
}
