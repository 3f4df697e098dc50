/**
 * @module The built package under another runtime (`deno run`, `bun`): keys made with WebCrypto, a
 * JWKS on a loopback HTTP server, and the verdicts on a few tokens, printed as one line of JSON.
 *
 *   npx deno run --sloppy-imports --allow-net=127.0.0.1 packages/verify/test/runtimes/smoke.ts
 *   npx bun packages/verify/test/runtimes/smoke.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEntitlementVerifier, EntitlementError, type EntitlementVerifier } from '@onepass/verify';
import { claimsAt, ISSUER, makeWebKey, PUBLISHER_ID, signToken, type WebKey } from '../webcrypto-fixtures.js';

type Mode = 'auto' | 'webcrypto';

interface NodeCryptoLike {
  createPublicKey(input: unknown): object;
  verify(algorithm: string, data: Uint8Array, key: unknown, signature: Uint8Array): boolean;
}
type BuiltinLoader = (id: string) => unknown;
const proc = (globalThis as { process?: { getBuiltinModule?: BuiltinLoader } }).process;

/** What this runtime's node:crypto offers the fast path: is it there, and does it take key objects? */
function probeNodeCrypto(jwk: WebKey['jwk']): { reachable: boolean; takesKeyObjects: boolean } {
  const node = proc?.getBuiltinModule?.('node:crypto') as NodeCryptoLike | undefined;
  if (node === undefined || typeof node.verify !== 'function')
    return { reachable: false, takesKeyObjects: false };
  try {
    const key = node.createPublicKey({ key: jwk, format: 'jwk' });
    node.verify('sha256', new Uint8Array(1), { key, dsaEncoding: 'der' }, new Uint8Array(8));
    return { reachable: true, takesKeyObjects: true };
  } catch {
    return { reachable: true, takesKeyObjects: false };
  }
}

/**
 * Creates a verifier while node:crypto's verify counts the token checks it makes, so that the
 * output says which path `auto` took here.
 */
function countingVerifier(make: () => EntitlementVerifier): {
  verifier: EntitlementVerifier;
  nodeChecks: () => number;
} {
  let checks = 0;
  const original = proc?.getBuiltinModule;
  if (proc === undefined || original === undefined) return { verifier: make(), nodeChecks: () => checks };
  proc.getBuiltinModule = (id) => {
    const mod = original.call(proc, id) as NodeCryptoLike | undefined;
    if (id !== 'node:crypto' || mod === undefined) return mod;
    return {
      createPublicKey: mod.createPublicKey.bind(mod),
      verify(algorithm: string, data: Uint8Array, key: unknown, signature: Uint8Array) {
        // The verifier's probe checks one byte; a token's signing input is longer.
        if (data.length > 1) checks += 1;
        return mod.verify(algorithm, data, key, signature);
      },
    };
  };
  try {
    return { verifier: make(), nodeChecks: () => checks };
  } finally {
    proc.getBuiltinModule = original;
  }
}

async function outcome(verification: Promise<{ membership: string; article?: string }>): Promise<string> {
  try {
    const claims = await verification;
    return claims.article === undefined ? claims.membership : `${claims.membership}:${claims.article}`;
  } catch (error) {
    return error instanceof EntitlementError ? error.code : `unexpected ${String(error)}`;
  }
}

const [ours, stranger] = await Promise.all([makeWebKey('k-2026-06'), makeWebKey('k-stranger')]);
let jwksRequests = 0;
const server = createServer((request, response) => {
  jwksRequests += 1;
  if (request.url !== '/.well-known/jwks.json') {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [ours.jwk] }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

const now = Math.floor(Date.now() / 1000);
const modes: Record<string, unknown> = {};
for (const mode of ['auto', 'webcrypto'] satisfies Mode[]) {
  const before = jwksRequests;
  const { verifier, nodeChecks } = countingVerifier(() =>
    createEntitlementVerifier({
      issuer: ISSUER,
      publisherId: PUBLISHER_ID,
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      crypto: mode,
    }),
  );
  const good = await signToken(ours, claimsAt(now, { membership: 'meter', article: 'art_free_1' }));
  modes[mode] = {
    good: await outcome(verifier.verify(good)),
    gift: await outcome(verifier.verify(await signToken(ours, claimsAt(now, { membership: 'gift' })))),
    expired: await outcome(verifier.verify(await signToken(ours, claimsAt(now - 900, { exp: now - 300 })))),
    wrongAudience: await outcome(verifier.verify(await signToken(ours, claimsAt(now, { aud: 'pub_other' })))),
    // Our kid, another key's signature.
    forged: await outcome(verifier.verify(await signToken(stranger, claimsAt(now), { kid: ours.kid }))),
    unknownKid: await outcome(verifier.verify(await signToken(stranger, claimsAt(now)))),
    jwksRequests: jwksRequests - before,
    nodeChecks: nodeChecks(),
  };
}
// The verifier's fetches keep their connections alive; closing only the listener would leave the
// process waiting for them to time out (Deno does, sometimes for longer than the test allows).
(server as { closeAllConnections?: () => void }).closeAllConnections?.();
server.close();

const runtime = 'Deno' in globalThis ? 'deno' : 'Bun' in globalThis ? 'bun' : 'node';
console.log(JSON.stringify({ runtime, nodeCrypto: probeNodeCrypto(ours.jwk), modes }));
// Done: nothing is left to wait for, whatever a runtime keeps open.
(globalThis as { process?: { exit(code: number): never } }).process?.exit(0);
