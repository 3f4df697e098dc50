/** @module The issuer's keys: JWKS fetched once, refreshed in the background, refetched on an unknown kid per cooldown. */
import { EntitlementError } from './errors.js';
import { isRecord } from './guards.js';
import { importKeySet, type VerificationKey } from './keys.js';
import type { NodeCrypto } from './node-crypto.js';
import type { EntitlementVerifyContext } from './types.js';

const MAX_JWKS_LENGTH = 256 * 1024;
// A hanging JWKS endpoint must not hold readers' requests for long.
const JWKS_FETCH_TIMEOUT_MS = 5000;
// A fetch still pending well after its own timeout can only be one the runtime dropped (Workers
// cancel a request's leftover I/O once it has answered); it must not block every later refresh.
const STALE_FETCH_MS = 3 * JWKS_FETCH_TIMEOUT_MS;

/** Loads the whole key set; rejects with a plain Error saying why, for the `unknown_key` message. */
export type KeyLoader = () => Promise<Map<string, VerificationKey>>;

/** The loader of keys given as an option: imported once, never fetched. */
export function staticKeyLoader(
  subtle: SubtleCrypto,
  node: NodeCrypto | null,
  keys: readonly unknown[],
): KeyLoader {
  return async () => {
    const imported = await importKeySet(subtle, node, keys);
    if (imported.size === 0) throw new Error('none of its keys could be imported');
    return imported;
  };
}

/** The loader of a JWKS endpoint: one GET, with a timeout and a size cap. */
export function remoteKeyLoader(
  subtle: SubtleCrypto,
  node: NodeCrypto | null,
  jwksUrl: string,
  doFetch: typeof fetch,
): KeyLoader {
  return async () => {
    const response = await doFetch(jwksUrl, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`the JWKS endpoint answered HTTP ${response.status}`);
    }
    const text = await response.text();
    if (text.length > MAX_JWKS_LENGTH) throw new Error('the JWKS document is too large');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw new Error('the JWKS document is not JSON');
    }
    if (!isRecord(document) || !Array.isArray(document.keys)) {
      throw new Error('the JWKS document has no keys array');
    }
    const imported = await importKeySet(subtle, node, document.keys);
    // An empty set is far more likely a broken deploy than a wish to refuse every reader.
    if (imported.size === 0) throw new Error('the JWKS document has no usable ES256 key');
    return imported;
  };
}

/** How a key set loads and when it reloads. */
export interface KeySetOptions {
  readonly load: KeyLoader;
  /** Where the keys come from, for messages. */
  readonly source: string;
  /** False for static keys, which are loaded once and never refreshed or refetched. */
  readonly remote: boolean;
  readonly maxAgeMs: number;
  readonly cooldownMs: number;
  readonly now: () => number;
}

/** The keys of one verifier. */
export interface KeySet {
  /** The key of a kid in the current set, if any; never loads. */
  get(kid: string): VerificationKey | undefined;
  /**
   * Starts a background refresh when the set is older than its max age (handing it to the
   * request's `waitUntil`); it never changes the keys synchronously.
   */
  refreshIfDue(nowMs: number, context: EntitlementVerifyContext | undefined): void;
  /**
   * The key of a kid not in the current set: waits for a load under way, or starts one (the first
   * load, or a refetch for a new kid, at most once per cooldown); rejects with `unknown_key`.
   */
  resolveMissing(kid: string): Promise<VerificationKey>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A key set that is empty until the first verification that needs a key. */
export function createKeySet({ load, source, remote, maxAgeMs, cooldownMs, now }: KeySetOptions): KeySet {
  let keys: Map<string, VerificationKey> | null = null;
  let inflight: Promise<void> | null = null;
  let inflightSince = 0;
  let loads = 0;
  let lastError: unknown = null;
  let refreshDueAt = 0;
  let lastLoadAttemptAt = Number.NEGATIVE_INFINITY;
  let lastKidRefetchAt = Number.NEGATIVE_INFINITY;

  function pending(): Promise<void> | null {
    if (inflight !== null && now() - inflightSince >= STALE_FETCH_MS) inflight = null;
    return inflight;
  }

  // Never rejects: a failed refresh keeps the keys we have, so that publishers keep serving.
  function refresh(): Promise<void> {
    const already = pending();
    if (already !== null) return already;
    const attempt = ++loads;
    const current = load().then(
      (fresh) => {
        // A dropped fetch that answers after its replacement holds the older key set.
        if (attempt !== loads) return;
        keys = fresh;
        lastError = null;
        refreshDueAt = remote ? now() + maxAgeMs : Number.POSITIVE_INFINITY;
      },
      (error: unknown) => {
        if (attempt !== loads) return;
        lastError = error;
        // Retry a failed background refresh only after the cooldown, not on every request.
        refreshDueAt = now() + cooldownMs;
      },
    );
    const tracked = current.finally(() => {
      // A stale fetch that settles late must not clear the one that replaced it.
      if (inflight === tracked) inflight = null;
    });
    inflight = tracked;
    inflightSince = now();
    return tracked;
  }

  return {
    get: (kid) => keys?.get(kid),

    refreshIfDue(nowMs, context) {
      if (remote && keys !== null && nowMs >= refreshDueAt && pending() === null) {
        const refreshing = refresh();
        try {
          context?.waitUntil?.(refreshing);
        } catch {
          // A misbound hook (e.g. a detached ctx.waitUntil) only costs the refresh its keep-alive.
        }
      }
    },

    async resolveMissing(kid) {
      const already = pending();
      if (already !== null) {
        await already;
      } else if (keys === null) {
        if (now() - lastLoadAttemptAt >= cooldownMs) {
          lastLoadAttemptAt = now();
          await refresh();
        }
      } else if (remote && now() - lastKidRefetchAt >= cooldownMs) {
        // A new kid usually means a key rotation; random kids from an attacker hit the cooldown.
        lastKidRefetchAt = now();
        await refresh();
      }
      const key = keys?.get(kid);
      if (key !== undefined) return key;
      if (keys === null) {
        throw new EntitlementError(
          'unknown_key',
          `No signing keys are available: loading them from ${source} failed (${describe(lastError)}); ` +
            `the next attempt is made after ${cooldownMs / 1000} s`,
          { cause: lastError },
        );
      }
      // The kid itself is attacker-controlled, so it stays out of the message (and out of logs).
      throw new EntitlementError('unknown_key', "The token's kid is not in the issuer's key set");
    },
  };
}
