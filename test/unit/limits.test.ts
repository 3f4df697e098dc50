import { describe, expect, it } from 'vitest';
import { parseLimit, windowOf } from '../../src/domain/limits';

describe('parseLimit', () => {
  it.each([
    ['10/15m', { count: 10, windowSeconds: 900 }],
    ['10 per 15 min', { count: 10, windowSeconds: 900 }],
    ['50/1h', { count: 50, windowSeconds: 3600 }],
    ['50 per hour', { count: 50, windowSeconds: 3600 }],
    ['5 per 1 hours', { count: 5, windowSeconds: 3600 }],
    ['6000/1m', { count: 6000, windowSeconds: 60 }],
    ['6000/60', { count: 6000, windowSeconds: 60 }],
    ['0/1h', { count: 0, windowSeconds: 3600 }],
    ['3 per day', { count: 3, windowSeconds: 86_400 }],
  ])('%s', (text, rule) => {
    expect(parseLimit(text)).toEqual(rule);
  });

  it.each(['', 'ten/1h', '10', '10/', '10/0m', '10/5 fortnights', '-1/1h', '10 per'])(
    'refuses %j',
    (text) => {
      expect(parseLimit(text)).toBeNull();
    },
  );
});

describe('windowOf', () => {
  it('puts a moment in its fixed window and says when the window ends', () => {
    expect(windowOf(1000, 60)).toEqual({ start: 960, retryAfter: 20 });
    expect(windowOf(960, 60)).toEqual({ start: 960, retryAfter: 60 });
    expect(windowOf(1019, 60)).toEqual({ start: 960, retryAfter: 1 });
  });
});
