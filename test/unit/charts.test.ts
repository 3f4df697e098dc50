import { describe, expect, it } from 'vitest';
import { axisLabelIndexes, niceScale, polylinePoints } from '../../src/features/console/charts';

describe('niceScale', () => {
  it('rounds the top up to a whole number of round steps', () => {
    expect(niceScale(17)).toEqual({ top: 20, step: 5 });
    expect(niceScale(20)).toEqual({ top: 20, step: 5 });
    expect(niceScale(3)).toEqual({ top: 3, step: 1 });
    expect(niceScale(16983)).toEqual({ top: 20000, step: 5000 });
    expect(niceScale(101)).toEqual({ top: 150, step: 50 });
  });

  it('draws an empty or broken series on a 0–4 axis', () => {
    expect(niceScale(0)).toEqual({ top: 4, step: 1 });
    expect(niceScale(Number.NaN)).toEqual({ top: 4, step: 1 });
    expect(niceScale(-5)).toEqual({ top: 4, step: 1 });
  });

  it('always covers the maximum with ticks of whole numbers', () => {
    for (let max = 1; max < 5000; max += 7) {
      const { top, step } = niceScale(max);
      expect(top).toBeGreaterThanOrEqual(max);
      expect(Number.isInteger(step)).toBe(true);
      expect(top % step).toBe(0);
      expect(top / step).toBeLessThanOrEqual(8);
    }
  });
});

describe('polylinePoints', () => {
  it('puts 0 on the bottom line and the top on the top line, left to right', () => {
    const [points] = polylinePoints([0, 10, 5], 10);
    const xy = points?.split(' ').map((p) => p.split(',').map(Number));
    expect(xy).toHaveLength(3);
    const [a, b, c] = xy as [[number, number], [number, number], [number, number]];
    expect(a[0]).toBeLessThan(b[0]);
    expect(b[0]).toBeLessThan(c[0]);
    expect(a[1]).toBeGreaterThan(c[1]);
    expect(c[1]).toBeGreaterThan(b[1]);
    expect((a[1] + b[1]) / 2).toBeCloseTo(c[1], 0);
  });

  it('breaks the line where nothing was recorded', () => {
    expect(polylinePoints([null, 1, 2, null, 3], 4)).toHaveLength(2);
    expect(polylinePoints([null, null], 4)).toEqual([]);
    expect(polylinePoints([1, 2, 3], 4)).toHaveLength(1);
  });
});

describe('axisLabelIndexes', () => {
  it('labels every point of a short series, and the ends and a few between of a long one', () => {
    expect(axisLabelIndexes(3)).toEqual([0, 1, 2]);
    expect(axisLabelIndexes(30)).toEqual([0, 7, 15, 22, 29]);
    expect(axisLabelIndexes(0)).toEqual([]);
  });
});

describe('the dashboard’s buckets', () => {
  it('cuts a range into weeks, or 30-day spans past 92 days, covering every day once', async () => {
    const { buckets } = await import('../../src/features/console/operator-dashboard');
    const month = buckets({ from: '2026-11-04', to: '2026-12-03' });
    expect(month.map((b) => b.from)).toEqual([
      '2026-11-04',
      '2026-11-11',
      '2026-11-18',
      '2026-11-25',
      '2026-12-02',
    ]);
    expect(month.at(-1)).toEqual({ from: '2026-12-02', to: '2026-12-03' });
    const year = buckets({ from: '2025-12-04', to: '2026-12-03' });
    expect(year).toHaveLength(13);
    expect(year[0]).toEqual({ from: '2025-12-04', to: '2026-01-02' });
  });
});
