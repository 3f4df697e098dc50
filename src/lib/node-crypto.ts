/**
 * @module `node:crypto` where the runtime offers it (Node, Bun, Deno; Workers with nodejs_compat),
 * reached through `process.getBuiltinModule` so nothing imports it: synchronous hashing and
 * signing skip WebCrypto's thread-pool round trips on the hot path. Null elsewhere.
 */

interface Hash {
  update(data: string): Hash;
  digest(encoding: 'hex' | 'base64url'): string;
}

export interface NodeCrypto {
  createHash(algorithm: 'sha256'): Hash;
  createHmac(algorithm: 'sha256', key: string): Hash;
  createPrivateKey(input: { key: Record<string, string>; format: 'jwk' }): object;
  sign(algorithm: 'sha256', data: Uint8Array, key: { key: object; dsaEncoding: 'ieee-p1363' }): Uint8Array;
}

let cached: NodeCrypto | null | undefined;

export function nodeCrypto(): NodeCrypto | null {
  if (cached !== undefined) return cached;
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as Partial<NodeCrypto> | undefined;
    const usable =
      mod &&
      typeof mod.createHash === 'function' &&
      typeof mod.createHmac === 'function' &&
      mod.createHash('sha256').update('probe').digest('hex').length === 64;
    cached = usable ? (mod as NodeCrypto) : null;
  } catch {
    cached = null;
  }
  return cached;
}
