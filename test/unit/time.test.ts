/**
 * RFC 3339 times as the contract writes them: whole seconds, UTC, `Z`. The cached-date formatter
 * agrees with `toISOString` (milliseconds cut) for every representable time, property-based.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochSeconds, rfc3339, rfc3339OrNull, wholeSeconds } from '../../src/domain/time';

/** What the formatter must equal: the ISO form without its milliseconds. */
const reference = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Every time a `Date` can hold (±8.64e15 ms, years −271821 to 275760). */
const anyTime = fc.integer({ min: -8.64e15, max: 8.64e15 });

describe('rfc3339', () => {
  it('formats whole seconds in UTC with Z', () => {
    expect(rfc3339(new Date(Date.UTC(2026, 11, 11, 22, 50, 0, 999)))).toBe('2026-12-11T22:50:00Z');
    expect(rfc3339(new Date(0))).toBe('1970-01-01T00:00:00Z');
    expect(rfc3339(new Date(-1))).toBe('1969-12-31T23:59:59Z');
    expect(rfc3339(new Date(Date.UTC(2024, 1, 29, 23, 59, 59)))).toBe('2024-02-29T23:59:59Z');
  });

  it('agrees with toISOString for any time, including years past 9999 and before 0', () => {
    fc.assert(
      fc.property(anyTime, (ms) => {
        expect(rfc3339(new Date(ms))).toBe(reference(ms));
      }),
      { numRuns: 20_000 },
    );
    expect(rfc3339(new Date(8.64e15))).toBe('+275760-09-13T00:00:00Z');
    expect(rfc3339(new Date(-8.64e15))).toBe('-271821-04-20T00:00:00Z');
  });

  it('stays right for times of the same day and across more days than it keeps', () => {
    const start = Date.UTC(2026, 0, 1);
    // 5,000 days, each formatted twice at different seconds: the kept date parts are evicted and made again.
    for (let day = 0; day < 5_000; day++) {
      for (const second of [0, 86_399]) {
        const ms = start + day * 86_400_000 + second * 1000;
        expect(rfc3339(new Date(ms))).toBe(reference(ms));
      }
    }
  });

  it('throws RangeError for an invalid date, as toISOString does', () => {
    expect(() => rfc3339(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('the other forms', () => {
  it('passes null through, counts epoch seconds down and cuts to whole seconds', () => {
    expect(rfc3339OrNull(null)).toBeNull();
    expect(rfc3339OrNull(new Date(1_500))).toBe('1970-01-01T00:00:01Z');
    expect(epochSeconds(new Date(-1))).toBe(-1);
    expect(wholeSeconds(new Date(1_999)).getTime()).toBe(1_000);
  });
});
