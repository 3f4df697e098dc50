/**
 * @module The statement's Merkle tree (docs/STATEMENTS.md): SHA-256, RFC 6962 leaves and inner
 * nodes, length-prefixed leaf fields, a publisher line node and a root that bind counts and amounts.
 */

/** The tree version, also the tag hashed into every line and root, so a v2 can never collide with v1. */
export const TREE_VERSION = 'onepass-statement-v1';

/** The domain separation prefixes, one byte each. 0x00 and 0x01 are RFC 6962's. */
export const PREFIX = { leaf: 0x00, node: 0x01, line: 0x02, root: 0x03 } as const;

/**
 * SHA-256 of some bytes, synchronous where the runtime allows (node:crypto), else WebCrypto. It
 * must read its input before it returns (WebCrypto's digest copies it): the tree reuses buffers.
 */
export type Sha256 = (data: Uint8Array<ArrayBuffer>) => Uint8Array | Promise<Uint8Array>;

interface NodeHashModule {
  createHash(algorithm: 'sha256'): { update(data: Uint8Array): { digest(): Uint8Array } };
  hash?(algorithm: 'sha256', data: Uint8Array, outputEncoding: 'buffer'): Uint8Array;
}

function builtinHash(): NodeHashModule | null {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as Partial<NodeHashModule> | undefined;
    return mod && typeof mod.createHash === 'function' ? (mod as NodeHashModule) : null;
  } catch {
    return null;
  }
}

let chosen: Sha256 | null = null;

/**
 * The fastest SHA-256 this runtime has: node:crypto's one-shot `hash` or `createHash` (Node, Bun,
 * Deno, workerd with `nodejs_compat`) hash a leaf in one synchronous call; WebCrypto's digest
 * everywhere else.
 */
export function defaultSha256(): Sha256 {
  if (chosen) return chosen;
  const node = builtinHash();
  let oneShot: Sha256 | null = null;
  try {
    const hash = node?.hash?.bind(node);
    if (hash && hash('sha256', new Uint8Array(0), 'buffer').length === 32) {
      oneShot = (data) => hash('sha256', data, 'buffer');
    }
  } catch {
    // This runtime's node:crypto has no working one-shot hash: createHash below.
  }
  chosen =
    oneShot ??
    (node
      ? (data) => new Uint8Array(node.createHash('sha256').update(data).digest())
      : async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
  return chosen;
}

const encoder = new TextEncoder();
// A lone surrogate would be encoded as U+FFFD by TextEncoder: two strings must never encode alike.
const LONE_SURROGATE = /\p{Cs}/u;

/** The UTF-8 bytes of a well-formed string; throws on a lone surrogate. */
export function utf8(text: string): Uint8Array {
  if (LONE_SURROGATE.test(text)) throw new RangeError('A field is not well-formed Unicode (lone surrogate)');
  return encoder.encode(text);
}

/** The bytewise order of two byte strings (shorter first when one is a prefix of the other). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Concatenates a prefix byte and fields, each field a byte string preceded by its 4-byte big-endian length. */
function framed(
  prefix: number,
  fields: readonly Uint8Array[],
  fixed: readonly Uint8Array[] = [],
): Uint8Array<ArrayBuffer> {
  let size = 1;
  for (const f of fields) size += 4 + f.length;
  for (const f of fixed) size += f.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = prefix;
  let at = 1;
  for (const f of fields) {
    view.setUint32(at, f.length);
    out.set(f, at + 4);
    at += 4 + f.length;
  }
  for (const f of fixed) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** An unsigned integer (at most 2^53 − 1) as 8 bytes, big-endian. */
export function u64(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError('A count or amount must be a safe non-negative integer');
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/** One counted read, as the statement's leaves carry it. */
export interface StatementLeaf {
  /** The publisher's pairwise subject of the reader (the token's `sub`). */
  subject: string;
  article_id: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
}

/** A leaf's fields as UTF-8, the form both its hash and its order are taken from. */
export interface EncodedLeaf {
  readonly fields: readonly [Uint8Array, Uint8Array, Uint8Array];
}

export function encodeLeaf(leaf: StatementLeaf): EncodedLeaf {
  return { fields: [utf8(leaf.subject), utf8(leaf.article_id), utf8(leaf.day)] };
}

/** Tree order: by subject, then article id, then day, each compared bytewise as UTF-8. */
export function compareLeaves(a: EncodedLeaf, b: EncodedLeaf): number {
  return (
    compareBytes(a.fields[0], b.fields[0]) ||
    compareBytes(a.fields[1], b.fields[1]) ||
    compareBytes(a.fields[2], b.fields[2])
  );
}

/** `SHA-256(0x00 ‖ len ‖ subject ‖ len ‖ article_id ‖ len ‖ day)`, each `len` 4 bytes big-endian. */
export function leafHash(sha256: Sha256, leaf: EncodedLeaf): Uint8Array | Promise<Uint8Array> {
  return sha256(framed(PREFIX.leaf, leaf.fields));
}

/** `SHA-256(0x01 ‖ left ‖ right)`. */
export function nodeHash(
  sha256: Sha256,
  left: Uint8Array,
  right: Uint8Array,
): Uint8Array | Promise<Uint8Array> {
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 33);
  return sha256(NODE_INPUT);
}

// One buffer for every inner node: a Sha256 reads its input before it returns (as WebCrypto does).
const NODE_INPUT = new Uint8Array(65);
NODE_INPUT[0] = PREFIX.node;

/**
 * The RFC 6962 Merkle tree hash of a stream of leaf hashes, in O(log n) memory: a stack of the
 * perfect subtrees seen so far, merged while the top two have the same size, then folded from the
 * right. That is the tree RFC 6962 defines (the left part of n leaves is the largest power of two
 * below n); the empty tree is SHA-256 of no bytes.
 */
export class TreeBuilder {
  readonly #sha256: Sha256;
  readonly #stack: { size: number; hash: Uint8Array }[] = [];
  #count = 0;

  constructor(sha256: Sha256) {
    this.#sha256 = sha256;
  }

  /** How many leaves were added. */
  get count(): number {
    return this.#count;
  }

  /** Adds the next leaf hash; the promise (only with an asynchronous hash) must be awaited before the next. */
  addHash(hash: Uint8Array): Promise<void> | undefined {
    this.#count++;
    return this.#push(1, hash);
  }

  #push(size: number, hash: Uint8Array): Promise<void> | undefined {
    let entry = { size, hash };
    for (let top = this.#stack.at(-1); top && top.size === entry.size; top = this.#stack.at(-1)) {
      this.#stack.pop();
      const merged = nodeHash(this.#sha256, top.hash, entry.hash);
      const doubled = top.size * 2;
      if (merged instanceof Promise) return merged.then((h) => this.#push(doubled, h));
      entry = { size: doubled, hash: merged };
    }
    this.#stack.push(entry);
    return undefined;
  }

  async root(): Promise<Uint8Array> {
    const last = this.#stack.at(-1);
    if (!last) return await this.#sha256(new Uint8Array(0));
    let hash = last.hash;
    for (let i = this.#stack.length - 2; i >= 0; i--) {
      hash = await nodeHash(this.#sha256, this.#stack[i]?.hash ?? hash, hash);
    }
    return hash;
  }
}

/**
 * The subtree of one publisher's leaves, fed in tree order: refuses a leaf that is not strictly
 * after the one before it (out of order or repeated), so one set of reads has one tree.
 */
export class LeafTree {
  readonly #sha256: Sha256;
  readonly #tree: TreeBuilder;
  // The leaf being framed and the one before it, swapped after each leaf: no allocation per leaf.
  #frame = new Uint8Array(256);
  #previous = new Uint8Array(256);
  #ends: number[] = [0, 0, 0, 0];
  #previousEnds: number[] | null = null;

  constructor(sha256: Sha256 = defaultSha256()) {
    this.#sha256 = sha256;
    this.#tree = new TreeBuilder(sha256);
  }

  get count(): number {
    return this.#tree.count;
  }

  /** Adds the next leaf (await it); throws a RangeError for a leaf not strictly after the one before. */
  add(leaf: StatementLeaf): Promise<void> | undefined {
    const fields = [leaf.subject, leaf.article_id, leaf.day] as const;
    const need = 13 + 3 * (fields[0].length + fields[1].length + fields[2].length);
    if (this.#frame.length < need) {
      this.#frame = new Uint8Array(need * 2);
      const previous = new Uint8Array(need * 2);
      previous.set(this.#previous);
      this.#previous = previous;
    }
    const frame = this.#frame;
    const view = new DataView(frame.buffer);
    const ends = this.#ends;
    frame[0] = PREFIX.leaf;
    ends[0] = 1;
    for (let i = 0; i < 3; i++) {
      const field = fields[i] ?? '';
      const start = (ends[i] ?? 0) + 4;
      const { written } = encoder.encodeInto(field, frame.subarray(start));
      // Pure ASCII writes one byte per unit; anything else is checked for lone surrogates.
      if (written !== field.length && LONE_SURROGATE.test(field)) {
        throw new RangeError('A field is not well-formed Unicode (lone surrogate)');
      }
      view.setUint32(start - 4, written);
      ends[i + 1] = start + written;
    }
    const previousEnds = this.#previousEnds;
    if (previousEnds && compareFrames(this.#previous, previousEnds, frame, ends) >= 0) {
      throw new RangeError(
        `Leaf ${this.#tree.count} is not after the one before it in tree order (out of order or repeated)`,
      );
    }
    const hash = this.#sha256(frame.subarray(0, ends[3]));
    this.#frame = this.#previous;
    this.#previous = frame;
    this.#ends = previousEnds ?? [0, 0, 0, 0];
    this.#previousEnds = ends;
    return hash instanceof Promise ? hash.then((h) => this.#tree.addHash(h)) : this.#tree.addHash(hash);
  }

  /** The subtree root, as hex. */
  async root(): Promise<string> {
    return toHex(await this.#tree.root());
  }
}

/** Tree order of two framed leaves, field by field (each field's bytes start 4 after the end of the one before). */
function compareFrames(a: Uint8Array, aEnds: number[], b: Uint8Array, bEnds: number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = compareBytes(
      a.subarray((aEnds[i] ?? 0) + 4, aEnds[i + 1]),
      b.subarray((bEnds[i] ?? 0) + 4, bEnds[i + 1]),
    );
    if (d !== 0) return d;
  }
  return 0;
}

/** One publisher's line of a statement. */
export interface StatementLine {
  publisher_id: string;
  reads: number;
  /** Integer minor units. */
  amount: number;
  /** Hex root of the subtree of this publisher's leaves. */
  root: string;
}

/** `SHA-256(0x02 ‖ len ‖ tag ‖ len ‖ publisher_id ‖ reads ‖ amount ‖ subtree_root)`; reads and amount 8 bytes each. */
export function lineHash(sha256: Sha256, line: StatementLine): Uint8Array | Promise<Uint8Array> {
  return sha256(
    framed(
      PREFIX.line,
      [utf8(TREE_VERSION), utf8(line.publisher_id)],
      [u64(line.reads), u64(line.amount), fromHex(line.root)],
    ),
  );
}

/** What the root commits to besides the lines. */
export interface StatementTotals {
  month: string;
  currency: string;
  amount: number;
  reads: number;
  split_rule: string;
}

/**
 * `SHA-256(0x03 ‖ len ‖ tag ‖ len ‖ month ‖ len ‖ currency ‖ len ‖ split_rule ‖ amount ‖ reads ‖
 * lines_root)`, where `lines_root` is the RFC 6962 tree hash of the line hashes in publisher id order.
 */
export async function statementRoot(
  sha256: Sha256,
  totals: StatementTotals,
  lines: readonly StatementLine[],
): Promise<Uint8Array> {
  const tree = new TreeBuilder(sha256);
  for (const line of lines) await tree.addHash(await lineHash(sha256, line));
  return await sha256(
    framed(
      PREFIX.root,
      [utf8(TREE_VERSION), utf8(totals.month), utf8(totals.currency), utf8(totals.split_rule)],
      [u64(totals.amount), u64(totals.reads), await tree.root()],
    ),
  );
}

const HEX = /^[0-9a-f]{64}$/;

/** A 32-byte hash from 64 lowercase hex digits; throws on anything else. */
export function fromHex(hex: string): Uint8Array {
  if (!HEX.test(hex)) throw new RangeError('A root must be 64 lowercase hex digits');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
