/** @module Which JWKS entries are usable ES256 verification keys, and their import (WebCrypto and node:crypto). */
import { isNonEmptyString, isRecord } from './guards.js';
import { MAX_KID_LENGTH } from './limits.js';
import { type NodeCrypto, type NodeVerifyKey, nodeVerifyKey } from './node-crypto.js';

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' };

/** A verification key: always a WebCrypto key, plus a `node:crypto` key where available. */
export interface VerificationKey {
  readonly web: CryptoKey;
  readonly node: NodeVerifyKey | null;
}

interface UsableJwk {
  readonly kid: string;
  readonly x: string;
  readonly y: string;
}

/** The public members of an EC P-256 signing key with a kid; null for every other JWKS entry. */
export function usableJwk(jwk: unknown): UsableJwk | null {
  if (!isRecord(jwk)) return null;
  const { kty, crv, kid, x, y, alg, use, key_ops: keyOps } = jwk;
  if (kty !== 'EC' || crv !== 'P-256' || !isNonEmptyString(kid) || kid.length > MAX_KID_LENGTH) return null;
  if (typeof x !== 'string' || typeof y !== 'string') return null;
  if ((alg !== undefined && alg !== 'ES256') || (use !== undefined && use !== 'sig')) return null;
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) return null;
  return { kid, x, y };
}

/** Imports every usable key of a JWKS by kid (the first of a repeated kid wins); the others are ignored. */
export async function importKeySet(
  subtle: SubtleCrypto,
  node: NodeCrypto | null,
  jwks: readonly unknown[],
): Promise<Map<string, VerificationKey>> {
  const usable = jwks.map(usableJwk).filter((jwk): jwk is UsableJwk => jwk !== null);
  const imported = await Promise.all(
    usable.map(async ({ kid, x, y }) => {
      try {
        // Only the public members are passed on: a stray `d` or `key_ops` must not change what is imported.
        const web = await subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x, y }, ECDSA_P256, false, [
          'verify',
        ]);
        // When node:crypto refuses the key, WebCrypto (which accepted it) alone checks its signatures.
        const nodeKey = node ? nodeVerifyKey(node, x, y) : null;
        return { kid, key: { web, node: nodeKey } };
      } catch {
        // One bad key must not take the others down with it.
        return null;
      }
    }),
  );
  const keys = new Map<string, VerificationKey>();
  for (const entry of imported) {
    if (entry !== null && !keys.has(entry.kid)) keys.set(entry.kid, entry.key);
  }
  return keys;
}
