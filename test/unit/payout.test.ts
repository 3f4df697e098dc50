/** @module The payout split: properties (fast-check) and worked examples of the largest-remainder method. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PAYOUT_AMOUNT, monthBounds, splitPayout } from '../../src/domain/payout';

const linesArb = fc
  .uniqueArray(
    fc.record({
      publisherId: fc.stringMatching(/^pub_[a-z2-7]{4}$/),
      reads: fc.oneof(fc.constant(0), fc.nat(50), fc.nat(2_000_000_000)),
    }),
    { selector: (line) => line.publisherId, minLength: 1, maxLength: 30 },
  )
  .filter((lines) => lines.some((line) => line.reads > 0));
const amountArb = fc.oneof(fc.nat(1000), fc.integer({ min: 0, max: MAX_PAYOUT_AMOUNT }));

/** The exact share as a fraction, compared in BigInt so no floating point blurs the bound. */
function withinOneUnit(amount: number, reads: number, total: number, part: number): boolean {
  const exactTimesTotal = BigInt(amount) * BigInt(reads);
  const partTimesTotal = BigInt(part) * BigInt(total);
  const diff = partTimesTotal - exactTimesTotal;
  return (diff < 0n ? -diff : diff) < BigInt(total);
}

describe('splitPayout properties', () => {
  it('parts sum exactly to the amount', () => {
    fc.assert(
      fc.property(amountArb, linesArb, (amount, lines) => {
        const parts = splitPayout(amount, lines);
        expect(parts.reduce((sum, p) => sum + p.amount, 0)).toBe(amount);
      }),
    );
  });

  it('each part is within one minor unit of its exact share', () => {
    fc.assert(
      fc.property(amountArb, linesArb, (amount, lines) => {
        const total = lines.reduce((sum, l) => sum + l.reads, 0);
        for (const part of splitPayout(amount, lines)) {
          expect(Number.isSafeInteger(part.amount)).toBe(true);
          expect(withinOneUnit(amount, part.reads, total, part.amount)).toBe(true);
        }
      }),
    );
  });

  it('a publisher with no reads gets 0', () => {
    fc.assert(
      fc.property(amountArb, linesArb, (amount, lines) => {
        for (const part of splitPayout(amount, lines)) if (part.reads === 0) expect(part.amount).toBe(0);
      }),
    );
  });

  it('is deterministic: the same reads give the same statement, in any input order', () => {
    fc.assert(
      fc.property(
        amountArb,
        linesArb.chain((lines) =>
          fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length })),
        ),
        (amount, [lines, shuffled]) => {
          const first = splitPayout(amount, lines);
          expect(splitPayout(amount, lines)).toEqual(first);
          expect(splitPayout(amount, shuffled)).toEqual(first);
        },
      ),
    );
  });

  it('keeps every publisher of the input, ordered by id', () => {
    fc.assert(
      fc.property(amountArb, linesArb, (amount, lines) => {
        const ids = splitPayout(amount, lines).map((p) => p.publisherId);
        expect(ids).toEqual(lines.map((l) => l.publisherId).sort());
      }),
    );
  });
});

describe('splitPayout worked examples', () => {
  it('gives the leftover unit to the largest remainder', () => {
    expect(
      splitPayout(100, [
        { publisherId: 'pub_b', reads: 2 },
        { publisherId: 'pub_a', reads: 1 },
      ]),
    ).toEqual([
      { publisherId: 'pub_a', reads: 1, amount: 33 },
      { publisherId: 'pub_b', reads: 2, amount: 67 },
    ]);
  });

  it('breaks equal remainders by publisher id', () => {
    const parts = splitPayout(100, [
      { publisherId: 'pub_c', reads: 1 },
      { publisherId: 'pub_a', reads: 1 },
      { publisherId: 'pub_b', reads: 1 },
    ]);
    expect(parts.map((p) => p.amount)).toEqual([34, 33, 33]);
  });

  it('splits 10 units over 7 equal readers as 2,2,2,1,1,1,1', () => {
    const lines = Array.from({ length: 7 }, (_, i) => ({ publisherId: `pub_${i}`, reads: 5 }));
    expect(splitPayout(10, lines).map((p) => p.amount)).toEqual([2, 2, 2, 1, 1, 1, 1]);
  });

  it('is exact for the largest amounts and read counts', () => {
    const parts = splitPayout(MAX_PAYOUT_AMOUNT, [
      { publisherId: 'pub_a', reads: 999_999_999 },
      { publisherId: 'pub_b', reads: 1 },
      { publisherId: 'pub_c', reads: 0 },
    ]);
    expect(parts.map((p) => p.amount)).toEqual([999_999_999_000, 1000, 0]);
  });

  it('gives nothing to anyone when there are no reads (the service refuses such a statement)', () => {
    expect(splitPayout(500, [{ publisherId: 'pub_a', reads: 0 }])).toEqual([
      { publisherId: 'pub_a', reads: 0, amount: 0 },
    ]);
    expect(splitPayout(500, [])).toEqual([]);
  });

  it('refuses malformed input', () => {
    expect(() => splitPayout(-1, [])).toThrow(RangeError);
    expect(() => splitPayout(1.5, [])).toThrow(RangeError);
    expect(() => splitPayout(1, [{ publisherId: 'a', reads: -1 }])).toThrow(RangeError);
    expect(() =>
      splitPayout(1, [
        { publisherId: 'a', reads: 1 },
        { publisherId: 'a', reads: 2 },
      ]),
    ).toThrow(RangeError);
  });
});

describe('monthBounds', () => {
  it('gives the UTC days and the end of a month, December included', () => {
    expect(monthBounds('2026-11')).toEqual({
      first: '2026-11-01',
      next: '2026-12-01',
      endsAt: new Date('2026-12-01T00:00:00Z'),
    });
    expect(monthBounds('2026-12')?.next).toBe('2027-01-01');
    expect(monthBounds('2028-02')?.next).toBe('2028-03-01');
  });

  it('refuses malformed months', () => {
    for (const bad of ['2026-13', '2026-00', '2026-1', '26-01', '2026-01-01', '0099-01', '']) {
      expect(monthBounds(bad)).toBeNull();
    }
  });
});
