/**
 * @module Publisher verification, the hot path of every article view: the SDK (`@onepass/verify`, its
 * built dist, as publishers install it) against a raw node:crypto signature check of the same tokens,
 * side by side with jose, jsonwebtoken and fast-jwt. `npm run bench -- verify` runs it alone.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { createEntitlementVerifier } from '@onepass/verify';
import { createVerifier as fastJwtVerifier } from 'fast-jwt';
import { exportSPKI, importJWK, jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { compare, headToHead, medianOf, printRatios, target } from './lib';
import { ISSUER, makeTokens, PUBLISHER } from './tokens';

const TOKENS = 4000;

const { tokens, publicKey, jwk, jwks } = await makeTokens(TOKENS, 600);
const parts = tokens.map((t) => {
  const [h, p, s] = t.split('.');
  return { data: Buffer.from(`${h}.${p}`), sig: Buffer.from(s ?? '', 'base64url') };
});
const nodeKey = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
const joseKey = await importJWK(jwk, 'ES256');
const pem = await exportSPKI(publicKey);

// Fresh: a verifier whose cache holds one token never hits it while cycling through 4,000.
const sdkFresh = createEntitlementVerifier({
  issuer: ISSUER,
  publisherId: PUBLISHER,
  jwks,
  maxCachedTokens: 1,
});
const sdkCached = createEntitlementVerifier({ issuer: ISSUER, publisherId: PUBLISHER, jwks });
const fastOptions = { key: pem, algorithms: ['ES256' as const], allowedIss: ISSUER, allowedAud: PUBLISHER };
const fastFresh = fastJwtVerifier(fastOptions);
const fastCached = fastJwtVerifier({ ...fastOptions, cache: true });
const hot = tokens[0] ?? '';
await sdkCached.verify(hot);
const at = (i: number) => tokens[i % TOKENS] ?? '';

/** A head-to-head's rounds, as printed. */
const roundsOf = (ratios: number[]) => ratios.map((r) => `${r.toFixed(2)}×`).join('  ');

const sdkCandidate = { name: 'OnePass SDK verify', run: (i: number) => sdkFresh.verify(at(i)) };
const fastCandidate = { name: 'fast-jwt verify', run: (i: number) => fastFresh(at(i)) };

const rawCandidate = {
  name: 'raw node:crypto verify',
  run: (i: number) => {
    const p = parts[i % TOKENS];
    if (!p || !nodeVerify('sha256', p.data, { key: nodeKey, dsaEncoding: 'ieee-p1363' }, p.sig))
      throw new Error('bad');
  },
};

const fresh = await compare([
  rawCandidate,
  sdkCandidate,
  {
    name: 'jose jwtVerify',
    run: (i) => jwtVerify(at(i), joseKey, { issuer: ISSUER, audience: PUBLISHER, algorithms: ['ES256'] }),
  },
  {
    name: 'jsonwebtoken verify',
    run: (i) =>
      jsonwebtoken.verify(at(i), pem, { algorithms: ['ES256'], issuer: ISSUER, audience: PUBLISHER }),
  },
  fastCandidate,
]);
printRatios('Fresh tokens (4,000 distinct, no cache hits)', fresh, 'raw node:crypto verify');

// Ahead of fast-jwt, head to head: the SDK and fast-jwt alone, in short slices in ABBA order, so
// that every round's two figures met the same state of the machine (in the table above, jose and
// jsonwebtoken run between them).
const perRound = await headToHead(sdkCandidate, fastCandidate);
const ahead = perRound.filter((r) => r > 1).length;
console.log(
  `  fresh SDK / fast-jwt head to head (5 rounds of 10 ABBA pairs of 100 ms slices): ${roundsOf(perRound)}  (ahead in ${ahead} of ${perRound.length})`,
);

const sdkOverRaw = await headToHead(sdkCandidate, rawCandidate);
console.log(`  fresh SDK / raw node:crypto head to head: ${roundsOf(sdkOverRaw)}`);

// The method's own bias, measured: fast-jwt head to head with a second verifier of its own.
const fastAgain = fastJwtVerifier(fastOptions);
const control = await headToHead(fastCandidate, { name: 'fast-jwt again', run: (i) => fastAgain(at(i)) });
console.log(`  control, fast-jwt head to head with itself: ${roundsOf(control)}`);

const cached = await compare([
  {
    name: 'raw node:crypto verify',
    run: () => {
      const p = parts[0];
      if (!p || !nodeVerify('sha256', p.data, { key: nodeKey, dsaEncoding: 'ieee-p1363' }, p.sig))
        throw new Error('bad');
    },
  },
  { name: 'OnePass SDK verify (cached)', run: () => sdkCached.verify(hot) },
  { name: 'fast-jwt verify (cache: true)', run: () => fastCached(hot) },
]);
const cachedRatios = printRatios('A repeated token (cached)', cached, 'raw node:crypto verify');

// Memory stays bounded: a million distinct tokens through a verifier with the default cache.
const memVerifier = createEntitlementVerifier({ issuer: ISSUER, publisherId: PUBLISHER, jwks });
const heapBefore = process.memoryUsage().heapUsed;
const distinct = 1_000_000;
for (let i = 0; i < distinct; i++) {
  // Tampering the jti keeps the signature check (and so the cost) honest; they fail, which is fine:
  // what is measured is that neither hits nor misses grow memory without bound.
  const t = at(i);
  await memVerifier
    .verify(i < TOKENS ? t : `${t.slice(0, -4)}${(i % 9999).toString().padStart(4, '0')}`)
    .catch(() => null);
}
global.gc?.();
const heapAfter = process.memoryUsage().heapUsed;
console.log(
  `\nMemory: ${distinct.toLocaleString('en-US')} verifications of distinct tokens: heap ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB growth (cache bound: 10,000 tokens)`,
);

console.log('\nTargets');
const aheadNeeded = Math.ceil((perRound.length * 4) / 5);
console.log(
  `  target fresh SDK ahead of fast-jwt: ${ahead} of ${perRound.length} rounds ${ahead >= aheadNeeded ? '≥' : '<'} ${aheadNeeded}  ${ahead >= aheadNeeded ? 'met' : 'NOT met'}  (median of the rounds ${medianOf(perRound).toFixed(2)}×)`,
);
target('fresh SDK / raw node:crypto, head to head (median of the rounds)', medianOf(sdkOverRaw), 0.9);
target('cached SDK / raw', cachedRatios.get('OnePass SDK verify (cached)') ?? 0, 20);
const sdkVsFast =
  (cached.find((r) => r.name.startsWith('OnePass'))?.opsPerSecond ?? 0) /
  (cached.find((r) => r.name.startsWith('fast-jwt'))?.opsPerSecond ?? 1);
target('cached SDK / fast-jwt cached', sdkVsFast, 1);
