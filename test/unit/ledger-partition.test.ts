/** @module The ledger's pure placement rules: month of a day, publisher shards, ring slots, URL templates, day numbers. */
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/days';
import {
  dayNumber,
  dayOfNumber,
  ledgerUrl,
  monthNumber,
  monthOfDay,
  ringSlot,
  shardOf,
  templateProblem,
} from '../../src/features/ledger/partition';
import { ledgerSettings } from '../../src/features/ledger/settings';

describe('ledger placement', () => {
  it('puts a day in its month', () => {
    expect(monthOfDay('2026-11-30')).toBe('2026-11');
    expect(monthOfDay('2026-12-01')).toBe('2026-12');
  });

  it('gives every publisher one stable shard, spread over all of them', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `pub_${i.toString(36).padStart(20, '0')}`);
    const counts = [0, 0, 0, 0];
    for (const id of ids) {
      const shard = shardOf(id, 4);
      expect(shard).toBe(shardOf(id, 4));
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(shardOf('pub_anything', 1)).toBe(0);
  });

  it('numbers months consecutively across years', () => {
    expect(monthNumber('2026-12') + 1).toBe(monthNumber('2027-01'));
    expect(() => monthNumber('2026-13x')).toThrow();
  });

  it('rings months through the bindings, a month’s shards side by side', () => {
    // 6 bindings, 2 shards: three months in turn.
    expect(ringSlot('2026-01', 0, 2, 6)).not.toBe(ringSlot('2026-02', 0, 2, 6));
    expect(ringSlot('2026-01', 1, 2, 6)).toBe(ringSlot('2026-01', 0, 2, 6) + 1);
    expect(ringSlot('2026-01', 0, 2, 6)).toBe(ringSlot('2026-04', 0, 2, 6));
    const slots = ['2026-01', '2026-02', '2026-03'].flatMap((m) => [0, 1].map((s) => ringSlot(m, s, 2, 6)));
    expect([...slots].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // A spare binding beyond whole months is not used.
    expect(ringSlot('2026-03', 1, 2, 7)).toBeLessThan(6);
  });

  it('refuses a ring that cannot hold the month being read and the one being paid out', () => {
    expect(() => ringSlot('2026-01', 0, 2, 3)).toThrow(/cannot hold two months/);
    expect(() => ringSlot('2026-01', 0, 1, 1)).toThrow(/cannot hold two months/);
    expect(ringSlot('2026-01', 0, 1, 2)).toBeGreaterThanOrEqual(0);
  });

  it('names a month shard’s database from a template, and checks the template', () => {
    expect(ledgerUrl('file:data/ledger/{month}-{shard}.db', '2026-11', 3)).toBe(
      'file:data/ledger/2026-11-3.db',
    );
    expect(templateProblem('file:data/ledger.db', 1)).toMatch(/\{month\}/);
    expect(templateProblem('file:data/{month}.db', 2)).toMatch(/\{shard\}/);
    expect(templateProblem('file:data/{month}.db', 1)).toBeNull();
  });

  it('stores days as whole day numbers, in the same order as the text', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayOfNumber(dayNumber('2026-02-28') + 1)).toBe('2026-03-01');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    const days = ['1999-12-31', '2000-01-01', '2024-02-29', '2026-11-30'];
    expect(days.map(dayNumber)).toEqual([...days.map(dayNumber)].sort((a, b) => a - b));
  });

  it('reads its settings, refusing nonsense', () => {
    expect(ledgerSettings({})).toEqual({ shards: 1, hotDays: 62, sealPages: 100 });
    expect(ledgerSettings({ LEDGER_SHARDS: '4', READS_HOT_DAYS: '2', LEDGER_SEAL_PAGES: '10' })).toEqual({
      shards: 4,
      hotDays: 2,
      sealPages: 10,
    });
    expect(() => ledgerSettings({ LEDGER_SHARDS: '0' })).toThrow(/LEDGER_SHARDS/);
    expect(() => ledgerSettings({ READS_HOT_DAYS: '1.5' })).toThrow(/READS_HOT_DAYS/);
  });
});
