/**
 * @module `@onepass/verify/statement`: checks a payout statement offline (its signature, its Merkle
 * root, the publisher's own reads, the totals and the split), and the tree and split rule themselves.
 */
import { isFiniteNumber, isNonEmptyString, isRecord } from './lib/guards.js';
import {
  compareBytes,
  defaultSha256,
  LeafTree,
  type Sha256,
  type StatementLeaf,
  type StatementLine,
  statementRoot,
  TREE_VERSION,
  toHex,
  utf8,
} from './lib/merkle.js';
import { SPLIT_RULE, splitPayout } from './lib/split.js';
import {
  checkStatementSignature,
  fetchJwks,
  parseStatementJws,
  STATEMENT_TYPE,
} from './lib/statement-jws.js';

export { type FetchStatementOptions, fetchStatement, type StatementDocument } from './lib/fetch-statement.js';
export {
  compareLeaves,
  defaultSha256,
  encodeLeaf,
  LeafTree,
  type Sha256,
  type StatementLeaf,
  type StatementLine,
  type StatementTotals,
  statementRoot,
  TREE_VERSION,
  toHex,
} from './lib/merkle.js';
export {
  comparePublisherIds,
  type PayoutShare,
  type ReadsLine,
  SPLIT_RULE,
  splitPayout,
} from './lib/split.js';
export { STATEMENT_TYPE } from './lib/statement-jws.js';

/** The signed payload of a statement (docs/STATEMENTS.md). */
export interface StatementPayload {
  iss: string;
  iat: number;
  statement_id: string;
  /** `YYYY-MM`, UTC. */
  month: string;
  currency: string;
  /** The whole amount split, in integer minor units. */
  amount: number;
  /** Every counted read of the month, all publishers together. */
  reads: number;
  split_rule: string;
  tree_version: string;
  /** Hex Merkle root over the lines and totals. */
  root: string;
  /** One per publisher, in bytewise order of publisher id. */
  lines: StatementLine[];
}

/** The checks, in the order they are reported. */
export type StatementCheckName =
  | 'format'
  | 'signature'
  | 'issuer'
  | 'line'
  | 'leaves'
  | 'leaf_count'
  | 'subtree_root'
  | 'root'
  | 'total_reads'
  | 'split';

export interface StatementCheck {
  name: StatementCheckName;
  /** `skip` when an earlier failure left nothing to check. */
  status: 'pass' | 'fail' | 'skip';
  message: string;
}

export interface StatementVerification {
  /** True when every check passed (none failed, none skipped). */
  ok: boolean;
  checks: StatementCheck[];
  /** The first failed check, if any. */
  failed: StatementCheck | null;
  /** The payload, when it could be read (signature checked or not: see `checks`). */
  payload: StatementPayload | null;
  /** The publisher's own line, when it has one. */
  line: StatementLine | null;
}

export interface VerifyStatementOptions {
  /** The compact JWS, as the API's `statement` field holds it. */
  statement: string;
  /** The publisher's own leaves in tree order, as the API returns them (any iterable, sync or async). */
  leaves: Iterable<StatementLeaf> | AsyncIterable<StatementLeaf>;
  /** Whose leaves these are: the line they are checked against. */
  publisherId: string;
  /** The issuer's key set (`{ keys: [...] }`), or… */
  jwks?: { keys: readonly unknown[] };
  /** …where to fetch it; without either, `${issuer}/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** The expected `iss` (the service's public URL); checked when given. */
  issuer?: string;
  /** The clock for the `iat` check (a statement issued in the future is refused). */
  now?: Date | number;
  /** For `jwksUrl`. */
  fetch?: typeof fetch;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const HEX_ROOT = /^[0-9a-f]{64}$/;
const CLOCK_TOLERANCE_S = 300;

function isCount(value: unknown): value is number {
  return isFiniteNumber(value) && Number.isSafeInteger(value) && value >= 0;
}

/** The payload's shape, or why not. */
function readPayload(raw: Record<string, unknown>, nowS: number): StatementPayload | string {
  const { iss, iat, statement_id, month, currency, amount, reads, split_rule, tree_version, root, lines } =
    raw;
  if (!isNonEmptyString(iss)) return 'iss is missing';
  if (!isCount(iat)) return 'iat is not a whole number of seconds';
  if (iat > nowS + CLOCK_TOLERANCE_S) return 'iat lies in the future';
  if (!isNonEmptyString(statement_id)) return 'statement_id is missing';
  if (typeof month !== 'string' || !MONTH.test(month)) return 'month is not YYYY-MM';
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return 'currency is not an ISO 4217 code';
  if (!isCount(amount) || !isCount(reads)) return 'amount and reads must be non-negative integers';
  if (split_rule !== SPLIT_RULE) return `split_rule is not ${SPLIT_RULE}`;
  if (tree_version !== TREE_VERSION) return `tree_version is not ${TREE_VERSION}`;
  if (typeof root !== 'string' || !HEX_ROOT.test(root)) return 'root is not 64 lowercase hex digits';
  if (!Array.isArray(lines) || lines.length === 0) return 'lines is not a non-empty array';
  const out: StatementLine[] = [];
  let previous: Uint8Array | null = null;
  for (const [i, line] of lines.entries()) {
    if (!isRecord(line) || !isNonEmptyString(line.publisher_id)) return `line ${i} has no publisher_id`;
    if (!isCount(line.reads) || !isCount(line.amount)) return `line ${i} has a bad reads or amount`;
    if (typeof line.root !== 'string' || !HEX_ROOT.test(line.root)) return `line ${i} has a bad root`;
    let id: Uint8Array;
    try {
      id = utf8(line.publisher_id);
    } catch {
      return `line ${i} has a publisher_id that is not well-formed Unicode`;
    }
    if (previous && compareBytes(previous, id) >= 0)
      return `line ${i} is not after line ${i - 1} by publisher id`;
    previous = id;
    out.push({ publisher_id: line.publisher_id, reads: line.reads, amount: line.amount, root: line.root });
  }
  return {
    iss,
    iat,
    statement_id,
    month,
    currency,
    amount,
    reads,
    split_rule,
    tree_version,
    root,
    lines: out,
  };
}

/** The subtree root of a publisher's leaves, checking their shape, order and month; throws saying why not. */
async function leavesRoot(
  leaves: Iterable<StatementLeaf> | AsyncIterable<StatementLeaf>,
  month: string,
  sha256: Sha256,
): Promise<{ count: number; root: string }> {
  const tree = new LeafTree(sha256);
  for await (const leaf of leaves as AsyncIterable<unknown>) {
    const at = tree.count;
    if (
      !isRecord(leaf) ||
      typeof leaf.subject !== 'string' ||
      typeof leaf.article_id !== 'string' ||
      typeof leaf.day !== 'string'
    ) {
      throw new Error(`leaf ${at} is not {subject, article_id, day}`);
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(leaf.day) || !leaf.day.startsWith(`${month}-`)) {
      throw new Error(`leaf ${at} has a day outside ${month}`);
    }
    await tree.add({ subject: leaf.subject, article_id: leaf.article_id, day: leaf.day });
  }
  return { count: tree.count, root: await tree.root() };
}

/**
 * Verifies a payout statement and one publisher's leaves, offline but for the JWKS: the signature
 * (ES256, `typ: statement+jwt`, a key of the JWKS), the issuer when given, that the leaves (in
 * tree order, within the month, none repeated) give the publisher's subtree root and number its
 * line's reads, that the lines and totals give the signed root, that the lines' reads sum to the
 * total and that every line's amount is the `largest-remainder-v1` split of the total. Every check
 * is reported; it resolves `ok: false` with the failing check rather than throwing. It throws only
 * on options that cannot work (a `TypeError`).
 *
 * @example
 * ```ts
 * import { verifyStatement } from '@onepass/verify/statement';
 *
 * const answer = await fetch(`${ONEPASS}/v1/publisher/statements/2026-11`, { headers }).then((r) => r.json());
 * const result = await verifyStatement({ ...answer, publisherId: 'pub_…', issuer: ONEPASS });
 * if (!result.ok) throw new Error(`statement refused: ${result.failed?.name}: ${result.failed?.message}`);
 * ```
 */
export async function verifyStatement(options: VerifyStatementOptions): Promise<StatementVerification> {
  if (!isRecord(options) || typeof options.statement !== 'string')
    throw new TypeError('statement must be a string (the compact JWS)');
  if (!isNonEmptyString(options.publisherId)) throw new TypeError('publisherId is required');
  if (options.leaves === null || typeof options.leaves !== 'object')
    throw new TypeError('leaves must be an array or an iterable');
  if (!options.jwks && !options.jwksUrl && !options.issuer)
    throw new TypeError('one of jwks, jwksUrl or issuer is required');
  const sha256 = defaultSha256();
  const nowMs = options.now === undefined ? Date.now() : new Date(options.now).getTime();
  const checks: StatementCheck[] = [];
  const report = (name: StatementCheckName, status: StatementCheck['status'], message: string) =>
    checks.push({ name, status, message });
  const skip = (names: StatementCheckName[], why: string) => {
    for (const name of names) report(name, 'skip', why);
  };
  const finish = (payload: StatementPayload | null, line: StatementLine | null): StatementVerification => {
    const failed = checks.find((c) => c.status === 'fail') ?? null;
    return { ok: checks.every((c) => c.status === 'pass'), checks, failed, payload, line };
  };

  let parsed: ReturnType<typeof parseStatementJws>;
  try {
    parsed = parseStatementJws(options.statement);
  } catch (error) {
    report('format', 'fail', (error as Error).message);
    skip(
      ['signature', 'line', 'leaves', 'leaf_count', 'subtree_root', 'root', 'total_reads', 'split'],
      'unreadable statement',
    );
    return finish(null, null);
  }
  const payload = readPayload(parsed.payload, Math.floor(nowMs / 1000));
  if (typeof payload === 'string') report('format', 'fail', payload);
  else
    report(
      'format',
      'pass',
      `${STATEMENT_TYPE} for ${payload.month} ${payload.currency}, ${payload.lines.length} lines`,
    );

  try {
    const keys = options.jwks
      ? options.jwks.keys
      : await fetchJwks(
          options.jwksUrl ?? `${String(options.issuer).replace(/\/+$/, '')}/.well-known/jwks.json`,
          options.fetch,
        );
    await checkStatementSignature(parsed, keys);
    report('signature', 'pass', `ES256 signature by key ${parsed.kid}`);
  } catch (error) {
    report('signature', 'fail', (error as Error).message);
  }
  if (typeof payload === 'string') {
    skip(
      ['line', 'leaves', 'leaf_count', 'subtree_root', 'root', 'total_reads', 'split'],
      'malformed payload',
    );
    return finish(null, null);
  }
  if (options.issuer !== undefined) {
    const ok = payload.iss === options.issuer.replace(/\/+$/, '');
    report(
      'issuer',
      ok ? 'pass' : 'fail',
      ok ? `issued by ${payload.iss}` : `issued by ${payload.iss}, not ${options.issuer}`,
    );
  }

  const line = payload.lines.find((l) => l.publisher_id === options.publisherId) ?? null;
  if (line) report('line', 'pass', `${line.publisher_id}: ${line.reads} reads, amount ${line.amount}`);
  else report('line', 'fail', `the statement has no line for ${options.publisherId}`);
  try {
    const mine = await leavesRoot(options.leaves, payload.month, sha256);
    report('leaves', 'pass', `${mine.count} leaves in tree order within ${payload.month}`);
    if (line) {
      const countOk = mine.count === line.reads;
      report('leaf_count', countOk ? 'pass' : 'fail', `${mine.count} leaves, the line counts ${line.reads}`);
      const rootOk = mine.root === line.root;
      report(
        'subtree_root',
        rootOk ? 'pass' : 'fail',
        rootOk ? `subtree root ${mine.root}` : `the leaves give ${mine.root}, the line says ${line.root}`,
      );
    } else skip(['leaf_count', 'subtree_root'], 'no line');
  } catch (error) {
    report('leaves', 'fail', (error as Error).message);
    skip(['leaf_count', 'subtree_root'], 'unusable leaves');
  }

  const root = toHex(await statementRoot(sha256, payload, payload.lines));
  report(
    'root',
    root === payload.root ? 'pass' : 'fail',
    root === payload.root ? `root ${root}` : `the lines give ${root}, the statement says ${payload.root}`,
  );
  const sum = payload.lines.reduce((total, l) => total + l.reads, 0);
  report(
    'total_reads',
    sum === payload.reads ? 'pass' : 'fail',
    `the lines count ${sum} reads, the total is ${payload.reads}`,
  );
  const split = splitPayout(
    payload.amount,
    payload.lines.map((l) => ({ publisherId: l.publisher_id, reads: l.reads })),
  );
  const expected = new Map(split.map((s) => [s.publisherId, s.amount]));
  const wrong = payload.lines.find((l) => expected.get(l.publisher_id) !== l.amount);
  if (wrong) {
    const should = expected.get(wrong.publisher_id);
    report('split', 'fail', `${wrong.publisher_id} has ${wrong.amount}, ${SPLIT_RULE} gives ${should}`);
  } else {
    report('split', 'pass', `every amount is the ${SPLIT_RULE} split of ${payload.amount} by reads`);
  }
  return finish(payload, line);
}
