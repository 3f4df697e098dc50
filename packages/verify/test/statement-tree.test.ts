/**
 * @module The statement tree, exhaustively: the vectors of docs/STATEMENTS.md (and its Python
 * sketch run against them), RFC 6962's shape for 0..70 leaves against a naive recursive version,
 * the tree order (bytewise UTF-8, not UTF-16), input order independence, injective encoding.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash, TreeBuilder } from '../src/lib/merkle.js';
import {
  compareLeaves,
  defaultSha256,
  encodeLeaf,
  LeafTree,
  type StatementLeaf,
  type StatementLine,
  statementRoot,
  toHex,
} from '../src/statement.js';
import { leaf, sorted, subtreeRoot } from './statement-fixtures.js';

const run = promisify(execFile);
const DOC = readFileSync(path.resolve(import.meta.dirname, '../../../docs/STATEMENTS.md'), 'utf8');
const vectors = JSON.parse(/```json vectors\n([\s\S]*?)```/.exec(DOC)?.[1] ?? 'null') as {
  leaves: (StatementLeaf & { hash: string })[];
  subtrees: Record<string, { leaves: number[]; root: string }>;
  payload: {
    month: string;
    currency: string;
    amount: number;
    reads: number;
    split_rule: string;
    lines: StatementLine[];
  };
  line_hashes: Record<string, string>;
  root: string;
};
const sha256 = defaultSha256();
const h = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return new Uint8Array(hash.digest());
};

/** RFC 6962 section 2.1, as written. */
function naiveMth(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return h();
  if (hashes.length === 1) return hashes[0] ?? h();
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return h(new Uint8Array([1]), naiveMth(hashes.slice(0, k)), naiveMth(hashes.slice(k)));
}

describe('the documented vectors', () => {
  it('are in docs/STATEMENTS.md', () => {
    expect(vectors.leaves).toHaveLength(5);
  });

  it('give each leaf hash, each subtree root, each line hash and the root', async () => {
    for (const v of vectors.leaves) {
      expect(toHex(await leafHash(sha256, encodeLeaf(v)))).toBe(v.hash);
    }
    for (const [id, subtree] of Object.entries(vectors.subtrees)) {
      const leaves = subtree.leaves.map((i) => vectors.leaves[i] as StatementLeaf);
      expect(await subtreeRoot(leaves), id).toBe(subtree.root);
      expect(vectors.payload.lines.find((l) => l.publisher_id === id)?.root).toBe(subtree.root);
    }
    const { lineHash } = await import('../src/lib/merkle.js');
    for (const line of vectors.payload.lines) {
      expect(toHex(await lineHash(sha256, line))).toBe(vectors.line_hashes[line.publisher_id]);
    }
    expect(toHex(await statementRoot(sha256, vectors.payload, vectors.payload.lines))).toBe(vectors.root);
  });

  it("are what the document's Python sketch computes", async () => {
    const sketch = /```python\n([\s\S]*?)```/.exec(DOC)?.[1];
    expect(sketch).toContain('def statement_root');
    const check = `${sketch}
import json, sys
v = json.loads(sys.stdin.read()) if False else json.loads(${JSON.stringify(JSON.stringify(vectors))})
for l in v["leaves"]:
    assert leaf(l["subject"], l["article_id"], l["day"]).hex() == l["hash"], l
for pid, s in v["subtrees"].items():
    assert subtree_root([v["leaves"][i] for i in reversed(s["leaves"])]).hex() == s["root"], pid
assert statement_root(v["payload"]) == v["root"]
print("ok")
`;
    const { stdout } = await run('python3', ['-c', check]);
    expect(stdout.trim()).toBe('ok');
  });
});

describe('the tree shape (RFC 6962)', () => {
  it('matches the recursive definition for 0 to 70 leaves: empty, one, odd, even, powers of two', async () => {
    const leaves = Array.from({ length: 70 }, (_, i) => h(new TextEncoder().encode(`leaf ${i}`)));
    for (let n = 0; n <= 70; n++) {
      const tree = new TreeBuilder(sha256);
      for (const l of leaves.slice(0, n)) await tree.addHash(l);
      expect(toHex(await tree.root()), `n = ${n}`).toBe(toHex(naiveMth(leaves.slice(0, n))));
      expect(tree.count).toBe(n);
    }
  });

  it('gives the empty tree SHA-256 of nothing and one leaf its own hash', async () => {
    expect(await new LeafTree().root()).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const one = leaf('s', 'a', 1);
    const tree = new LeafTree();
    await tree.add(one);
    expect(await tree.root()).toBe(toHex(await leafHash(sha256, encodeLeaf(one))));
  });

  it('WebCrypto and node:crypto give the same roots', async () => {
    const web = async (data: Uint8Array<ArrayBuffer>) =>
      new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    const leaves = sorted(Array.from({ length: 13 }, (_, i) => leaf(`s${i % 4}`, `a${i}`, 1 + (i % 28))));
    const a = new LeafTree(web);
    const b = new LeafTree();
    for (const l of leaves) {
      await a.add(l);
      await b.add(l);
    }
    expect(await a.root()).toBe(await b.root());
  });
});

describe('the tree order', () => {
  it('is bytewise UTF-8 by subject, article id, day (not UTF-16, not by encoding length)', () => {
    const cmp = (a: StatementLeaf, b: StatementLeaf) =>
      Math.sign(compareLeaves(encodeLeaf(a), encodeLeaf(b)));
    // U+FFFF (EF BF BF) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16.
    expect(cmp(leaf('s', '\uFFFF', 1), leaf('s', '😀', 1))).toBe(-1);
    expect('\uFFFF' < '😀').toBe(false);
    expect(cmp(leaf('s', 'a', 1), leaf('s', 'aa', 1))).toBe(-1);
    expect(cmp(leaf('s', 'b', 1), leaf('s', 'aa', 1))).toBe(1);
    expect(cmp(leaf('a', 'z', 9), leaf('b', 'a', 1))).toBe(-1);
    expect(cmp(leaf('a', 'a', 2), leaf('a', 'a', 1))).toBe(1);
    expect(cmp(leaf('a', 'a', 1), leaf('a', 'a', 1))).toBe(0);
  });

  it('is enforced: a leaf out of order or repeated is refused', async () => {
    const tree = new LeafTree();
    await tree.add(leaf('b', 'x', 1));
    expect(() => tree.add(leaf('a', 'x', 1))).toThrow(/tree order/);
    const again = new LeafTree();
    await again.add(leaf('b', 'x', 1));
    expect(() => again.add(leaf('b', 'x', 1))).toThrow(/repeated/);
  });

  it('makes the root independent of the order the reads came in', async () => {
    const leafArb = fc.record({
      subject: fc.string({ minLength: 0, maxLength: 6, unit: 'grapheme' }),
      article_id: fc.string({ minLength: 0, maxLength: 6, unit: 'grapheme' }),
      day: fc.integer({ min: 1, max: 30 }).map((d) => `2026-11-${String(d).padStart(2, '0')}`),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(leafArb, { maxLength: 40, selector: (l) => JSON.stringify(l) }),
        fc.infiniteStream(fc.nat()),
        async (leaves, randoms) => {
          const shuffled = [...leaves];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (randoms.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j] as StatementLeaf, shuffled[i] as StatementLeaf];
          }
          expect(await subtreeRoot(shuffled)).toBe(await subtreeRoot(leaves));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the leaf encoding', () => {
  it('is injective: moving bytes between fields changes the hash', async () => {
    const hashOf = async (l: StatementLeaf) => toHex(await leafHash(sha256, encodeLeaf(l)));
    const a = await hashOf({ subject: 'ab', article_id: 'c', day: '2026-11-01' });
    const b = await hashOf({ subject: 'a', article_id: 'bc', day: '2026-11-01' });
    const c = await hashOf({ subject: 'a', article_id: 'b', day: 'c2026-11-01' });
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('refuses a lone surrogate, which UTF-8 would turn into U+FFFD like another string', () => {
    expect(() => encodeLeaf({ subject: '\uD800', article_id: 'a', day: '2026-11-01' })).toThrow(
      /well-formed/,
    );
    expect(() => encodeLeaf({ subject: '😀', article_id: 'a', day: '2026-11-01' })).not.toThrow();
  });
});

describe('the publisher id order', () => {
  it('is by code point (UTF-8 bytewise), in the split and in the lines', async () => {
    const { comparePublisherIds, splitPayout } = await import('../src/statement.js');
    expect(Math.sign(comparePublisherIds('pub_\uFFFF', 'pub_😀'))).toBe(-1);
    expect(Math.sign(comparePublisherIds('pub_a', 'pub_ab'))).toBe(-1);
    expect(comparePublisherIds('pub_a', 'pub_a')).toBe(0);
    const split = splitPayout(1, [
      { publisherId: 'pub_😀', reads: 1 },
      { publisherId: 'pub_\uFFFF', reads: 1 },
    ]);
    // Ordered by code point, and the one unit left (equal remainders) goes to the smaller id.
    expect(split).toEqual([
      { publisherId: 'pub_\uFFFF', reads: 1, amount: 1 },
      { publisherId: 'pub_😀', reads: 1, amount: 0 },
    ]);
  });
});
