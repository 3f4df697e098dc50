/** @module Signed statements built from reads with the SDK's own tree and split, for the statement tests. */
import {
  compareLeaves,
  defaultSha256,
  encodeLeaf,
  LeafTree,
  SPLIT_RULE,
  type StatementLeaf,
  type StatementLine,
  type StatementPayload,
  splitPayout,
  statementRoot,
  TREE_VERSION,
  toHex,
} from '../src/statement.js';
import { ISSUER, signRaw, type TestKey } from './fixtures.js';

export const MONTH = '2026-11';

/** Leaves in tree order. */
export function sorted(leaves: readonly StatementLeaf[]): StatementLeaf[] {
  return [...leaves].sort((a, b) => compareLeaves(encodeLeaf(a), encodeLeaf(b)));
}

export async function subtreeRoot(leaves: readonly StatementLeaf[]): Promise<string> {
  const tree = new LeafTree();
  for (const leaf of sorted(leaves)) await tree.add(leaf);
  return tree.root();
}

/** The payload the service signs for these reads per publisher and this amount. */
export async function payloadFor(
  reads: Record<string, readonly StatementLeaf[]>,
  amount: number,
  overrides: Partial<StatementPayload> = {},
): Promise<StatementPayload> {
  const ids = Object.keys(reads).sort();
  const split = splitPayout(
    amount,
    ids.map((id) => ({ publisherId: id, reads: reads[id]?.length ?? 0 })),
  );
  const lines: StatementLine[] = [];
  for (const share of split) {
    lines.push({
      publisher_id: share.publisherId,
      reads: share.reads,
      amount: share.amount,
      root: await subtreeRoot(reads[share.publisherId] ?? []),
    });
  }
  const total = lines.reduce((sum, l) => sum + l.reads, 0);
  const base = { month: MONTH, currency: 'EUR', amount, reads: total, split_rule: SPLIT_RULE };
  return {
    iss: ISSUER,
    iat: 1_764_547_200,
    statement_id: 'pay_abcdefghijklmnopqrst',
    ...base,
    tree_version: TREE_VERSION,
    root: toHex(await statementRoot(defaultSha256(), base, lines)),
    lines,
    ...overrides,
  };
}

/** Recomputes the root of a (changed) payload, as a dishonest signer would to make it consistent. */
export async function rerooted(payload: StatementPayload): Promise<StatementPayload> {
  return { ...payload, root: toHex(await statementRoot(defaultSha256(), payload, payload.lines)) };
}

export function sign(key: TestKey, payload: unknown, header: Record<string, unknown> = {}): Promise<string> {
  return signRaw(key.privateKey, { alg: 'ES256', kid: key.kid, typ: 'statement+jwt', ...header }, payload);
}

export function leaf(subject: string, article: string, day: number): StatementLeaf {
  return { subject, article_id: article, day: `${MONTH}-${String(day).padStart(2, '0')}` };
}
