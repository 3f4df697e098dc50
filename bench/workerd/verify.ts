/**
 * @module Publisher verification inside workerd: the SDK (`@onepass/verify`, its WebCrypto path)
 * against raw `crypto.subtle.verify` over pre-decoded bytes, in bench/workerd/verify-worker.ts. The
 * tokens are made in Node with jose, as bench/verify.bench.ts makes them; each request verifies a
 * batch, and requests are timed from outside in interleaved rounds.
 */
import path from 'node:path';
import { type Candidate, compare, printRatios, type Result } from '../lib';
import { ISSUER, makeTokens, PUBLISHER } from '../tokens';
import { bundleModuleWorker } from './esbuild';
import { type Compatibility, startWorkerd } from './instance';

const TOKENS = 4000;
/** Verifications per request: enough that the HTTP round trip is a small share of a request. */
export const BATCH = 200;

/** SDK and raw check in one workerd (compatibility date of wrangler.toml, no flags: WebCrypto alone). */
export async function verifyInWorkerd(
  root: string,
  compatibility: Compatibility,
  persistDir: string,
): Promise<Result[]> {
  const { tokens, jwks } = await makeTokens(TOKENS, 3600);
  const script = await bundleModuleWorker(path.join(root, 'bench/workerd/verify-worker.ts'));
  const workerd = await startWorkerd(
    [
      {
        name: 'verify',
        source: { script },
        compatibility: { compatibilityDate: compatibility.compatibilityDate, compatibilityFlags: [] },
        bindings: { TOKENS: tokens, JWKS: jwks, ISSUER, PUBLISHER },
      },
    ],
    persistDir,
  );
  const base = workerd.urls.verify ?? '';
  const batch = (route: string): Candidate => ({
    name: route,
    run: async (i) => {
      const res = await fetch(`${base}/${route}?from=${(i * BATCH) % TOKENS}&count=${BATCH}`);
      if (!res.ok) throw new Error(`/${route}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    },
  });
  try {
    // compare() counts requests; each verifies BATCH tokens, which the ratios do not change.
    const results = await compare([batch('raw'), batch('sdk')], { rounds: 9, ms: 1500 });
    return results.map((r) => ({
      name: r.name === 'raw' ? 'raw crypto.subtle.verify' : 'OnePass SDK verify (WebCrypto)',
      opsPerSecond: r.opsPerSecond * BATCH,
      rounds: r.rounds.map((x) => x * BATCH),
    }));
  } finally {
    await workerd.dispose();
  }
}

/** Prints the figures and returns SDK / raw. */
export function printVerify(results: Result[]): number {
  const ratios = printRatios(
    `Verify inside workerd (WebCrypto only; ${TOKENS.toLocaleString('en-US')} distinct tokens, ${BATCH} per request, timed from outside)`,
    results,
    'raw crypto.subtle.verify',
  );
  return ratios.get('OnePass SDK verify (WebCrypto)') ?? 0;
}
