/**
 * @module The emulator's state in a file, so that `npm run dev` can restart without forgetting the
 * customers and subscriptions the local database still references: loaded at start, written
 * atomically (a temporary file, then a rename) a moment after changes and on close.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { State } from './store';

const FORMAT = 'onepass-stripe-emulator/1';
const MAP_KEYS = [
  'products',
  'prices',
  'customers',
  'subscriptions',
  'invoices',
  'charges',
  'refunds',
  'checkoutSessions',
  'portalSessions',
  'eventsById',
  'idempotency',
] as const satisfies readonly (keyof State)[];

/** What the file holds: the state (Maps as entry lists) and the clock's lead on wall-clock time. */
export function serializeState(state: State, offset: number): string {
  const maps: Record<string, unknown> = {};
  for (const key of MAP_KEYS) maps[key] = [...state[key].entries()];
  return JSON.stringify({
    format: FORMAT,
    offset,
    now: state.now,
    events: state.events,
    invoiceSequence: state.invoiceSequence,
    maps,
  });
}

/** The state and clock offset a file holds, or a reason it cannot be used. */
export function deserializeState(text: string): { state: State; offset: number } | { error: string } {
  let parsed: {
    format?: unknown;
    offset?: unknown;
    now?: unknown;
    events?: unknown;
    invoiceSequence?: unknown;
    maps?: Record<string, unknown>;
  };
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  if (parsed.format !== FORMAT) return { error: `not a ${FORMAT} file` };
  const { offset, now, events, invoiceSequence, maps } = parsed;
  if (typeof offset !== 'number' || typeof now !== 'number' || typeof invoiceSequence !== 'number')
    return { error: 'missing clock or counters' };
  if (!Array.isArray(events) || typeof maps !== 'object' || maps === null)
    return { error: 'missing objects' };
  const state: Record<string, unknown> = { now, events, invoiceSequence };
  for (const key of MAP_KEYS) {
    const entries = maps[key];
    if (!Array.isArray(entries)) return { error: `missing ${key}` };
    state[key] = new Map(entries as [string, unknown][]);
  }
  return { state: state as unknown as State, offset };
}

/** Writes `text` to `file` so that a reader sees the old file or the new one, never half of one. */
export function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}

/** The file's state, or null when there is none yet; a file that cannot be used is reported, not fatal. */
export function loadStateFile(
  file: string,
  log: (line: string) => void,
): { state: State; offset: number } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const loaded = deserializeState(text);
  if ('error' in loaded) {
    log(`state file ${file} ignored (${loaded.error}); starting empty`);
    return null;
  }
  return loaded;
}

/**
 * Saves the state whenever it changed, checked every `everyMs`; `flush()` saves at once (on close).
 * Comparing the serialised text keeps it exact without hooks in every handler; the state of a
 * development emulator is small.
 */
export function keepStateIn(
  file: string,
  current: () => { state: State; offset: number },
  everyMs = 1000,
): { flush(): void; stop(): void } {
  let saved = '';
  const flush = () => {
    const { state, offset } = current();
    const text = serializeState(state, offset);
    if (text === saved) return;
    writeAtomically(file, text);
    saved = text;
  };
  const timer = setInterval(flush, everyMs);
  timer.unref();
  return {
    flush,
    stop: () => clearInterval(timer),
  };
}
