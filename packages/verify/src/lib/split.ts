/**
 * @module The payout split, `largest-remainder-v1`: an amount in integer minor units shared across
 * publishers by their reads with the largest-remainder (Hamilton) method, so the parts sum to the amount.
 */

/** The name statements give this rule (`split_rule`). */
export const SPLIT_RULE = 'largest-remainder-v1';

export interface ReadsLine {
  publisherId: string;
  /** Non-negative integer. */
  reads: number;
}

export interface PayoutShare {
  publisherId: string;
  reads: number;
  /** Integer minor units. */
  amount: number;
}

/**
 * The order of publisher ids: by Unicode code point, which for well-formed strings is the bytewise
 * order of their UTF-8 (what docs/STATEMENTS.md specifies), unlike JavaScript's `<` (UTF-16 units).
 */
export function comparePublisherIds(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(j) ?? 0;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}

const byId = (a: { publisherId: string }, b: { publisherId: string }) =>
  comparePublisherIds(a.publisherId, b.publisherId);

/**
 * Splits `amount` across `lines` in proportion to their reads. Each part is the floor of its exact
 * share (`amount * reads / total`) or one more; the units left after the floors go to the largest
 * remainders, ties to the smaller publisher id (`comparePublisherIds`), so the same reads always
 * give the same statement whatever the input order. A line with no reads gets 0. When nobody has reads there is nothing to
 * split by: every part is 0 and the caller decides what that means (the service refuses it).
 * The result is ordered by publisher id.
 *
 * @example
 * ```ts
 * splitPayout(100, [{ publisherId: 'a', reads: 1 }, { publisherId: 'b', reads: 2 }]);
 * // → a: 33, b: 67 (exact shares 33.3… and 66.6…; the one unit left goes to b's larger remainder)
 * ```
 */
export function splitPayout(amount: number, lines: readonly ReadsLine[]): PayoutShare[] {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError('amount must be a non-negative safe integer');
  }
  const seen = new Set<string>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.reads) || line.reads < 0) {
      throw new RangeError(`reads of ${line.publisherId} must be a non-negative integer`);
    }
    if (seen.has(line.publisherId)) throw new RangeError(`publisher ${line.publisherId} appears twice`);
    seen.add(line.publisherId);
  }
  const sorted = [...lines].sort(byId);
  const total = sorted.reduce((sum, line) => sum + BigInt(line.reads), 0n);
  if (total === 0n)
    return sorted.map((line) => ({ publisherId: line.publisherId, reads: line.reads, amount: 0 }));

  // BigInt: amount × reads can pass 2^53 (10^12 × 10^9 reads), where floating point would round.
  const big = BigInt(amount);
  const parts = sorted.map((line, index) => {
    const scaled = big * BigInt(line.reads);
    return { index, floor: scaled / total, remainder: scaled % total };
  });
  let left = big - parts.reduce((sum, p) => sum + p.floor, 0n);
  const order = [...parts].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  const bonus = new Set<number>();
  for (const part of order) {
    if (left === 0n) break;
    bonus.add(part.index);
    left -= 1n;
  }
  return sorted.map((line, index) => ({
    publisherId: line.publisherId,
    reads: line.reads,
    amount: Number((parts[index]?.floor ?? 0n) + (bonus.has(index) ? 1n : 0n)),
  }));
}
