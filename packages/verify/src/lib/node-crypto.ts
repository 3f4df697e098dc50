/** @module The runtime's `node:crypto` through `process.getBuiltinModule` (no import, no Node types), and its verify keys. */

/** The two members of `node:crypto` the fast path uses, typed here so the package needs no Node types. */
export interface NodeCrypto {
  createPublicKey(input: { key: Record<string, string>; format: 'jwk' }): object;
  verify(algorithm: string, data: Uint8Array, key: NodeVerifyKey, signature: Uint8Array): boolean;
}

/** The key argument of `node:crypto`'s verify, built once per key instead of once per token. */
export interface NodeVerifyKey {
  readonly key: object;
  readonly dsaEncoding: 'der';
}

/**
 * `node:crypto` through `process.getBuiltinModule`, which needs no import (so nothing breaks where
 * it does not exist); null on runtimes without it.
 */
export function builtinNodeCrypto(): NodeCrypto | null {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as Partial<NodeCrypto> | undefined;
    return mod && typeof mod.verify === 'function' && typeof mod.createPublicKey === 'function'
      ? (mod as NodeCrypto)
      : null;
  } catch {
    return null;
  }
}

const PROBE_DATA = new Uint8Array(1);
// A well-formed DER signature (r = s = 1) that no key accepts.
const PROBE_SIGNATURE = new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]);

/**
 * The node:crypto form of an EC P-256 public key, or null when this runtime's node:crypto cannot
 * check signatures with it (then WebCrypto alone checks this key's signatures).
 */
export function nodeVerifyKey(node: NodeCrypto, x: string, y: string): NodeVerifyKey | null {
  try {
    const candidate: NodeVerifyKey = {
      key: node.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' }),
      dsaEncoding: 'der',
    };
    // Some runtimes' node:crypto (workerd's) make the key but refuse a key object in verify:
    // a probe must answer (false) without throwing, or this key stays on WebCrypto.
    node.verify('sha256', PROBE_DATA, candidate, PROBE_SIGNATURE);
    return candidate;
  } catch {
    return null;
  }
}
