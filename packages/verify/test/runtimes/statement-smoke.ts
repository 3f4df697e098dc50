/**
 * The built `@onepass/verify/statement` in whatever runtime runs this file (Deno, Bun): the
 * documented vectors of docs/STATEMENTS.md, and a statement signed here verified, then refused
 * with one read changed. Prints one JSON line.
 */
import {
  defaultSha256,
  LeafTree,
  SPLIT_RULE,
  statementRoot,
  TREE_VERSION,
  toHex,
  verifyStatement,
} from '@onepass/verify/statement';

const B = [
  { subject: 'prw_carol', article_id: 'recipe/ü', day: '2026-11-30' },
  { subject: 'prw_dave', article_id: 'recipe/ü', day: '2026-11-01' },
];
const A = [
  { subject: 'prw_alice', article_id: 'climate-1', day: '2026-11-02' },
  { subject: 'prw_alice', article_id: 'climate-2', day: '2026-11-02' },
  { subject: 'prw_bob', article_id: 'climate-1', day: '2026-11-05' },
];
const totals = { month: '2026-11', currency: 'EUR', amount: 1001, reads: 5, split_rule: SPLIT_RULE };

async function rootOf(leaves: typeof A): Promise<string> {
  const tree = new LeafTree();
  for (const leaf of leaves) await tree.add(leaf);
  return tree.root();
}

const b64 = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const json = (value: unknown) => b64(new TextEncoder().encode(JSON.stringify(value)));

const lines = [
  { publisher_id: 'pub_a', reads: 3, amount: 601, root: await rootOf(A) },
  { publisher_id: 'pub_b', reads: 2, amount: 400, root: await rootOf(B) },
  { publisher_id: 'pub_c', reads: 0, amount: 0, root: await rootOf([]) },
];
const root = toHex(await statementRoot(defaultSha256(), totals, lines));
const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
  'sign',
  'verify',
])) as CryptoKeyPair;
const jwk = {
  ...(await crypto.subtle.exportKey('jwk', pair.publicKey)),
  kid: 'k1',
  alg: 'ES256',
  use: 'sig',
};
const payload = {
  iss: 'https://onepass.example',
  iat: 1_764_547_200,
  statement_id: 'pay_x',
  ...totals,
  tree_version: TREE_VERSION,
  root,
  lines,
};
const input = `${json({ alg: 'ES256', kid: 'k1', typ: 'statement+jwt' })}.${json(payload)}`;
const signature = new Uint8Array(
  await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    pair.privateKey,
    new TextEncoder().encode(input),
  ),
);
const options = {
  statement: `${input}.${b64(signature)}`,
  publisherId: 'pub_b',
  jwks: { keys: [jwk] },
  now: Date.UTC(2026, 11, 2),
};
const good = await verifyStatement({ ...options, leaves: B });
const bad = await verifyStatement({ ...options, leaves: [B[0], { ...B[1], day: '2026-11-02' }] as typeof B });
const runtime = 'Deno' in globalThis ? 'deno' : 'Bun' in globalThis ? 'bun' : 'node';
console.log(JSON.stringify({ runtime, root, good: good.ok, bad: bad.failed?.name ?? null }));
