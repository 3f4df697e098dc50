/** @module The verified-token cache: frozen claims by token string, first in first out, bounded. */
import type { EntitlementClaims } from './types.js';

/** The tokens one verifier has verified. */
export interface TokenCache {
  /** The claims of a token verified before, if still remembered (expired or not). */
  get(token: string): EntitlementClaims | undefined;
  /** Remembers a token's claims, forgetting the oldest entry beyond the bound; returns the claims. */
  remember(token: string, claims: EntitlementClaims): EntitlementClaims;
  forget(token: string): void;
}

/** A cache of at most `maxCachedTokens` tokens; 0 remembers nothing. */
export function createTokenCache(maxCachedTokens: number): TokenCache {
  const cache = new Map<string, EntitlementClaims>();
  return {
    get: (token) => cache.get(token),
    remember(token, claims) {
      if (maxCachedTokens > 0) {
        // Added before the oldest entry goes, so that a small cache never empties (an emptied Map
        // shrinks its table, to grow it again on the next token).
        cache.set(token, claims);
        if (cache.size > maxCachedTokens) {
          // Map iteration follows insertion order, so the first key is the oldest entry.
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
      }
      return claims;
    },
    forget(token) {
      cache.delete(token);
    },
  };
}
