/**
 * @module Coalescing of fresh reads: concurrent calls for one key share one run of the loader, but
 * never a run that started before the call. A caller that arrives while a run is in flight waits
 * for the next run, which starts as soon as the current one settles and answers everyone who
 * arrived in the meantime. Every caller therefore gets a result read after it called, as if it
 * had read alone, while a burst of N calls for one key costs at most two reads at a time.
 *
 * Used for Stripe re-fetches: Stripe sends several events about one subscription at once, and
 * each must be applied from a read made after the event arrived (what makes delivery order
 * irrelevant); one such read can serve them all.
 */

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface KeyState<T> {
  /** The run after the one in flight, with the loader of the first caller that asked for it. */
  next: (Deferred<T> & { load: () => Promise<T> }) | null;
}

export type Coalescer<T> = (key: string, load: () => Promise<T>) => Promise<T>;

export function freshCoalescer<T>(): Coalescer<T> {
  const states = new Map<string, KeyState<T>>();

  const start = (key: string, state: KeyState<T>, load: () => Promise<T>): Promise<T> => {
    const run = Promise.resolve().then(load);
    const settle = () => {
      const waiting = state.next;
      if (waiting === null) {
        states.delete(key);
        return;
      }
      state.next = null;
      start(key, state, waiting.load).then(waiting.resolve, waiting.reject);
    };
    run.then(settle, settle);
    return run;
  };

  return (key, load) => {
    const state = states.get(key);
    if (state === undefined) {
      const fresh: KeyState<T> = { next: null };
      states.set(key, fresh);
      return start(key, fresh, load);
    }
    if (state.next === null) state.next = { ...deferred<T>(), load };
    return state.next.promise;
  };
}
