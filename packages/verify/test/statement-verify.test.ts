/**
 * @module verifyStatement: a good statement passes every check; any one change (a read, a count,
 * an amount, a root, the signature, another publisher's line, a dropped or repeated leaf, the
 * header) is caught, re-signed or not; random statements with a random change (a property test).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type StatementCheckName,
  type StatementLeaf,
  type StatementPayload,
  verifyStatement,
} from '../src/statement.js';
import { ISSUER, makeKey, startJwksServer, type TestKey } from './fixtures.js';
import { leaf, MONTH, payloadFor, rerooted, sign, sorted } from './statement-fixtures.js';

const ME = 'pub_b';
const READS: Record<string, StatementLeaf[]> = {
  pub_a: [leaf('s1', 'x', 1), leaf('s2', 'x', 2), leaf('s3', 'y', 3)],
  pub_b: [leaf('t1', 'ä', 4), leaf('t1', 'b', 4), leaf('t2', 'b', 30), leaf('t3', '😀', 5)],
  pub_c: [],
};
const NOW = Date.UTC(2026, 11, 2);

let key: TestKey;
let other: TestKey;
let good: StatementPayload;
beforeAll(async () => {
  key = await makeKey();
  other = await makeKey();
  good = await payloadFor(READS, 1001);
});

const mine = () => sorted(READS[ME] ?? []);

async function check(
  statement: string,
  leaves: StatementLeaf[] = mine(),
  extra: { issuer?: string; publisherId?: string } = {},
) {
  return verifyStatement({
    statement,
    leaves,
    publisherId: ME,
    jwks: { keys: [key.jwk] },
    now: NOW,
    ...extra,
  });
}

async function failsAt(
  statement: string | Promise<string>,
  name: StatementCheckName,
  leaves?: StatementLeaf[],
) {
  const result = await check(await statement, leaves);
  expect(result.ok).toBe(false);
  expect(result.checks.find((c) => c.name === name)?.status, JSON.stringify(result.checks)).toBe('fail');
  return result;
}

describe('verifyStatement', () => {
  it('passes a good statement on every check, naming each', async () => {
    const result = await check(await sign(key, good), mine(), { issuer: ISSUER });
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['format', 'pass'],
      ['signature', 'pass'],
      ['issuer', 'pass'],
      ['line', 'pass'],
      ['leaves', 'pass'],
      ['leaf_count', 'pass'],
      ['subtree_root', 'pass'],
      ['root', 'pass'],
      ['total_reads', 'pass'],
      ['split', 'pass'],
    ]);
    expect(result.ok).toBe(true);
    expect(result.failed).toBeNull();
    expect(result.line).toMatchObject({ publisher_id: ME, reads: 4, amount: 572 });
    expect(good.lines.map((l) => l.amount)).toEqual([429, 572, 0]);
  });

  it('accepts the leaves as an async stream, and fetches the JWKS from the issuer', async () => {
    const server = await startJwksServer([key.jwk]);
    try {
      const stream = (async function* () {
        yield* mine();
      })();
      const result = await verifyStatement({
        statement: await sign(key, await rerooted({ ...good, iss: server.origin })),
        leaves: stream,
        publisherId: ME,
        issuer: server.origin,
        now: NOW,
      });
      expect(result.ok, JSON.stringify(result.checks)).toBe(true);
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('catches a changed, dropped, repeated or foreign read', async () => {
    const statement = await sign(key, good);
    const leaves = mine();
    await failsAt(
      statement,
      'subtree_root',
      leaves.map((l, i) => (i === 1 ? { ...l, article_id: 'c' } : l)),
    );
    await failsAt(
      statement,
      'subtree_root',
      leaves.map((l, i) => (i === 0 ? { ...l, day: `${MONTH}-06` } : l)),
    );
    await failsAt(statement, 'leaf_count', leaves.slice(1));
    await failsAt(statement, 'leaves', [
      ...leaves.slice(0, 2),
      leaves[1] as StatementLeaf,
      ...leaves.slice(2),
    ]);
    await failsAt(statement, 'leaves', [...leaves].reverse());
    await failsAt(statement, 'leaves', [...leaves, { ...leaf('t9', 'z', 1), day: '2026-12-01' }]);
    await failsAt(statement, 'leaf_count', sorted([...leaves, leaf('t9', 'z', 1)]));
    await failsAt(statement, 'leaf_count', sorted(READS.pub_a ?? []));
    await failsAt(statement, 'leaves', [{ subject: 't1' } as StatementLeaf]);
  });

  it('catches any count, amount, root or line changed, whether or not the signer re-rooted and re-signed it', async () => {
    const changes: [string, (p: StatementPayload) => StatementPayload][] = [
      [
        'own count',
        (p) => ({ ...p, lines: p.lines.map((l) => (l.publisher_id === ME ? { ...l, reads: 5 } : l)) }),
      ],
      [
        'own amount',
        (p) => ({ ...p, lines: p.lines.map((l) => (l.publisher_id === ME ? { ...l, amount: 571 } : l)) }),
      ],
      [
        'other count',
        (p) => ({ ...p, lines: p.lines.map((l) => (l.publisher_id === 'pub_a' ? { ...l, reads: 2 } : l)) }),
      ],
      [
        'other amount',
        (p) => ({
          ...p,
          lines: p.lines.map((l) => (l.publisher_id === 'pub_a' ? { ...l, amount: 430 } : l)),
        }),
      ],
      ['total reads', (p) => ({ ...p, reads: 8 })],
      ['total amount', (p) => ({ ...p, amount: 1000 })],
      ['line dropped', (p) => ({ ...p, lines: p.lines.filter((l) => l.publisher_id !== 'pub_a') })],
    ];
    for (const [what, change] of changes) {
      const changed = change(good);
      // Signed as changed, the old root stays: the root no longer matches the lines.
      const stale = await check(await sign(key, changed));
      expect(stale.ok, what).toBe(false);
      // Re-rooted too: the signature holds, and the split, the counts or the own leaves give it away.
      const consistent = await check(await sign(key, await rerooted(changed)));
      expect(consistent.ok, `${what} (re-rooted)`).toBe(false);
      expect(consistent.checks.find((c) => c.name === 'signature')?.status).toBe('pass');
    }
    // Another publisher's subtree root: bound by the signed root, so changed without re-rooting it
    // fails everyone's root check; re-rooted, only that publisher's own leaves can show it.
    const otherRoot = (p: StatementPayload) => ({
      ...p,
      lines: p.lines.map((l) => (l.publisher_id === 'pub_c' ? { ...l, root: '00'.repeat(32) } : l)),
    });
    expect((await check(await sign(key, otherRoot(good)))).failed?.name).toBe('root');
    const forged = await sign(key, await rerooted(otherRoot(good)));
    expect((await check(forged)).ok).toBe(true);
    const byC = await verifyStatement({
      statement: forged,
      leaves: [],
      publisherId: 'pub_c',
      jwks: { keys: [key.jwk] },
      now: NOW,
    });
    expect(byC.failed?.name).toBe('subtree_root');
  });

  it('catches a changed root, signature or header, and a key outside the JWKS', async () => {
    const statement = await sign(key, good);
    const [h, p, s] = statement.split('.') as [string, string, string];
    await failsAt(sign(key, { ...good, root: '11'.repeat(32) }), 'root');
    await failsAt(`${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`, 'signature');
    const otherPayload = Buffer.from(JSON.stringify({ ...good, amount: 2002 })).toString('base64url');
    await failsAt(`${h}.${otherPayload}.${s}`, 'signature');
    await failsAt(sign(other, good, { kid: key.kid }), 'signature');
    await failsAt(sign(other, good), 'signature');
    await failsAt(sign(key, good, { typ: 'entitlement+jwt' }), 'format');
    await failsAt(sign(key, good, { alg: 'none' }), 'format');
    await failsAt(sign(key, good, { crit: ['x'] }), 'format');
    await failsAt('not a jws', 'format');
    await failsAt(sign(key, { ...good, split_rule: 'equal-v1' }), 'format');
    await failsAt(sign(key, { ...good, iat: Math.floor(NOW / 1000) + 3600 }), 'format');
    await failsAt(sign(key, { ...good, lines: [...good.lines].reverse() }), 'format');
    const wrongIssuer = await check(statement, mine(), { issuer: 'https://elsewhere.example' });
    expect(wrongIssuer.failed?.name).toBe('issuer');
    const stranger = await check(statement, [], { publisherId: 'pub_z' });
    expect(stranger.failed?.name).toBe('line');
  });

  it('refuses options that cannot work', async () => {
    const statement = await sign(key, good);
    await expect(verifyStatement({ statement, leaves: [], publisherId: ME })).rejects.toThrow(TypeError);
    await expect(
      verifyStatement({ statement, leaves: [], publisherId: '', jwks: { keys: [] } }),
    ).rejects.toThrow(/publisherId/);
  });

  it('catches one random change in random statements (property)', async () => {
    const readsArb = fc.dictionary(
      fc.constantFrom('pub_1', 'pub_2', 'pub_3', 'pub_4'),
      fc.uniqueArray(
        fc.record({
          subject: fc.constantFrom('a', 'b', 'c', 'dd'),
          article_id: fc.constantFrom('x', 'y', 'zz', 'ü'),
          day: fc.integer({ min: 1, max: 30 }),
        }),
        { maxLength: 8, selector: (r) => `${r.subject}|${r.article_id}|${r.day}` },
      ),
      { minKeys: 1 },
    );
    await fc.assert(
      fc.asyncProperty(
        readsArb,
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.nat(),
        fc.constantFrom('leaf', 'drop', 'count', 'amount', 'other', 'total'),
        async (raw, amount, pick, change) => {
          const reads = Object.fromEntries(
            Object.entries(raw).map(([id, rs]) => [id, rs.map((r) => leaf(r.subject, r.article_id, r.day))]),
          );
          if (Object.values(reads).every((rs) => rs.length === 0)) reads.pub_1 = [leaf('a', 'x', 1)];
          const ids = Object.keys(reads).sort();
          const me = ids[pick % ids.length] as string;
          const payload = await payloadFor(reads, amount);
          const leaves = sorted(reads[me] ?? []);
          const verify = async (p: StatementPayload, ls: StatementLeaf[]) =>
            verifyStatement({
              statement: await sign(key, p),
              leaves: ls,
              publisherId: me,
              jwks: { keys: [key.jwk] },
              now: NOW,
            });
          expect((await verify(payload, leaves)).ok).toBe(true);
          const at = pick % Math.max(1, leaves.length);
          let p = payload;
          let ls = leaves;
          if (change === 'leaf') {
            ls = leaves.length
              ? leaves.map((l, i) => (i === at ? { ...l, subject: `${l.subject}!` } : l))
              : [leaf('q', 'q', 1)];
          } else if (change === 'drop') {
            ls = leaves.length ? leaves.filter((_, i) => i !== at) : [leaf('q', 'q', 1)];
          } else {
            const target = change === 'other' ? ids[(pick + 1) % ids.length] : me;
            p = await rerooted({
              ...payload,
              reads: change === 'total' ? payload.reads + 1 : payload.reads,
              lines: payload.lines.map((l) =>
                l.publisher_id !== target || change === 'total'
                  ? l
                  : change === 'amount'
                    ? { ...l, amount: l.amount + 1 }
                    : { ...l, reads: l.reads + 1 },
              ),
            });
          }
          expect((await verify(p, ls)).ok).toBe(false);
        },
      ),
      { numRuns: 80 },
    );
  });
});
