/** Fresh-read coalescing: shared runs, never one that started before the caller. */
import { describe, expect, it } from 'vitest';
import { freshCoalescer } from '../../src/lib/coalesce';

/** A loader whose runs are numbered and finish only when the test says so. */
function controlledLoader() {
  const runs: Array<{ n: number; finish(): void; fail(reason: unknown): void }> = [];
  const load = () =>
    new Promise<number>((resolve, reject) => {
      const n = runs.length + 1;
      runs.push({ n, finish: () => resolve(n), fail: reject });
    });
  return { runs, load };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('freshCoalescer', () => {
  it('runs once for one caller and again for a caller after it settled', async () => {
    const read = freshCoalescer<number>();
    const { runs, load } = controlledLoader();
    const a = read('sub_1', load);
    await tick();
    expect(runs).toHaveLength(1);
    runs[0]?.finish();
    expect(await a).toBe(1);
    const b = read('sub_1', load);
    await tick();
    runs[1]?.finish();
    expect(await b).toBe(2);
  });

  it('makes callers that arrive during a run wait for the next run, which they share', async () => {
    const read = freshCoalescer<number>();
    const { runs, load } = controlledLoader();
    const first = read('sub_1', load);
    await tick();
    const during = [read('sub_1', load), read('sub_1', load), read('sub_1', load)];
    await tick();
    // The next run does not start while the first is in flight.
    expect(runs).toHaveLength(1);
    runs[0]?.finish();
    expect(await first).toBe(1);
    await tick();
    expect(runs).toHaveLength(2);
    runs[1]?.finish();
    // Everyone who arrived during run 1 gets run 2, which started after they called.
    expect(await Promise.all(during)).toEqual([2, 2, 2]);
    await tick();
    expect(runs).toHaveLength(2);
  });

  it('keeps keys apart', async () => {
    const read = freshCoalescer<string>();
    const started: string[] = [];
    const load = (key: string) => async () => {
      started.push(key);
      return key;
    };
    expect(await Promise.all([read('a', load('a')), read('b', load('b'))])).toEqual(['a', 'b']);
    expect(started).toEqual(['a', 'b']);
  });

  it('gives a failure to the callers of that run only; the waiting callers still get their own run', async () => {
    const read = freshCoalescer<number>();
    const { runs, load } = controlledLoader();
    const first = read('sub_1', load);
    await tick();
    const waiting = read('sub_1', load);
    runs[0]?.fail(new Error('stripe down'));
    await expect(first).rejects.toThrow('stripe down');
    await tick();
    runs[1]?.finish();
    expect(await waiting).toBe(2);
  });

  it('gives a failed next run to all of its callers, and recovers afterwards', async () => {
    const read = freshCoalescer<number>();
    const { runs, load } = controlledLoader();
    const first = read('k', load);
    await tick();
    const w1 = read('k', load);
    const w2 = read('k', load);
    runs[0]?.finish();
    await first;
    await tick();
    runs[1]?.fail(new Error('timeout'));
    await expect(w1).rejects.toThrow('timeout');
    await expect(w2).rejects.toThrow('timeout');
    const later = read('k', load);
    await tick();
    runs[2]?.finish();
    expect(await later).toBe(3);
  });

  it('turns a loader that throws synchronously into a rejection', async () => {
    const read = freshCoalescer<number>();
    await expect(
      read('k', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await read('k', async () => 7)).toBe(7);
  });
});
