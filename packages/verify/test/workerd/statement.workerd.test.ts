/**
 * The statement tree and verifyStatement inside workerd: the documented vectors (docs/STATEMENTS.md)
 * with the runtime's default hash and with WebCrypto's digest alone (a Worker without
 * nodejs_compat), and a signed statement verified with WebCrypto keys.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultSha256,
  LeafTree,
  SPLIT_RULE,
  type StatementLine,
  statementRoot,
  TREE_VERSION,
  toHex,
  verifyStatement,
} from '../../src/statement.js';
import { ISSUER, makeWebKey, signRaw } from '../webcrypto-fixtures.js';

const A = [
  { subject: 'prw_alice', article_id: 'climate-1', day: '2026-11-02' },
  { subject: 'prw_alice', article_id: 'climate-2', day: '2026-11-02' },
  { subject: 'prw_bob', article_id: 'climate-1', day: '2026-11-05' },
];
const B = [
  { subject: 'prw_carol', article_id: 'recipe/ü', day: '2026-11-30' },
  { subject: 'prw_dave', article_id: 'recipe/ü', day: '2026-11-01' },
];
const TOTALS = { month: '2026-11', currency: 'EUR', amount: 1001, reads: 5, split_rule: SPLIT_RULE };
const webDigest = async (data: Uint8Array<ArrayBuffer>) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', data));

async function rootOf(leaves: typeof A, sha = defaultSha256()) {
  const tree = new LeafTree(sha);
  for (const leaf of leaves) await tree.add(leaf);
  return tree.root();
}

async function lines(sha = defaultSha256()): Promise<StatementLine[]> {
  return [
    { publisher_id: 'pub_a', reads: 3, amount: 601, root: await rootOf(A, sha) },
    { publisher_id: 'pub_b', reads: 2, amount: 400, root: await rootOf(B, sha) },
    { publisher_id: 'pub_c', reads: 0, amount: 0, root: await rootOf([], sha) },
  ];
}

describe('statements in workerd', () => {
  for (const [mode, sha] of [
    ['the default hash', defaultSha256()],
    ['WebCrypto only', webDigest],
  ] as const) {
    it(`give the documented subtree roots and root with ${mode}`, async () => {
      expect(await rootOf(A, sha)).toBe('e584f0c849c13d05db7666022f4b638e57716ed41bb452e7b26e3e40210ee03e');
      expect(await rootOf(B, sha)).toBe('63f9e922c003035107be800188878fe7df11d0b6ef90179287d7d6fe3ea561c8');
      expect(toHex(await statementRoot(sha, TOTALS, await lines(sha)))).toBe(
        '00b486d3410f16d9128b7c1cf8f8a4702a1ead513806e3fd24cbbb3f1659ca12',
      );
    });
  }

  it('verifies a signed statement against a WebCrypto key, and refuses a changed read', async () => {
    const key = await makeWebKey('k1');
    const payload = {
      iss: ISSUER,
      iat: 1_764_547_200,
      statement_id: 'pay_x',
      ...TOTALS,
      tree_version: TREE_VERSION,
      root: toHex(await statementRoot(defaultSha256(), TOTALS, await lines())),
      lines: await lines(),
    };
    const statement = await signRaw(
      key.privateKey,
      { alg: 'ES256', kid: 'k1', typ: 'statement+jwt' },
      payload,
    );
    const options = {
      statement,
      publisherId: 'pub_b',
      jwks: { keys: [key.jwk] },
      now: Date.UTC(2026, 11, 2),
    };
    const good = await verifyStatement({ ...options, leaves: B });
    expect(good.ok, JSON.stringify(good.checks)).toBe(true);
    const bad = await verifyStatement({
      ...options,
      leaves: [B[0], { ...B[1], article_id: 'recipe/u' }] as typeof B,
    });
    expect(bad.failed?.name).toBe('subtree_root');
  });
});
