/**
 * @module The emulator's state in a file, so that `npm run dev` can restart without forgetting the
 * customers and subscriptions the local database still references: loaded at start, written
 * atomically (a temporary file, then a rename) shortly after changes and on close.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Stripe from 'stripe';
import type { Emulator, SavedEmulator } from './emulator';
import type { State } from './store';
import type { Delivery } from './webhooks';

/** Bumped whenever the shape of the state changes, so that an older file is refused rather than misread. */
export const STATE_FORMAT = 'onepass-stripe-emulator/1';

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
  'idempotency',
  'currencyOptions',
  'coupons',
  'portalConfigurations',
  'webhookEndpoints',
  'disputes',
  'testClocks',
] as const satisfies readonly (keyof State)[];

type MapKey = (typeof MAP_KEYS)[number];

/** Maps added after the format's first files: an older file without them loads with them empty. */
const LATER_KEYS = new Set<MapKey>([
  'currencyOptions',
  'coupons',
  'portalConfigurations',
  'webhookEndpoints',
  'disputes',
  'testClocks',
]);

/** The file's text: Maps as entry lists; events once (their index is rebuilt on load). */
export function serializeEmulator(saved: SavedEmulator): string {
  const { state, offset, webhooks } = saved;
  const maps: Record<string, unknown> = {};
  for (const key of MAP_KEYS) maps[key] = [...state[key].entries()];
  return JSON.stringify({
    format: STATE_FORMAT,
    offset,
    now: state.now,
    invoiceSequence: state.invoiceSequence,
    events: state.events,
    maps,
    webhooks,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEntryList(value: unknown): value is [string, unknown][] {
  return (
    Array.isArray(value) &&
    value.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && isRecord(e[1]))
  );
}

function hasIds(value: unknown): value is { id: string }[] {
  return Array.isArray(value) && value.every((e) => isRecord(e) && typeof e.id === 'string');
}

/** The saved emulator a file's text holds, or why it cannot be used. */
export function deserializeEmulator(text: string): SavedEmulator | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  if (!isRecord(parsed) || parsed.format !== STATE_FORMAT) return { error: `not a ${STATE_FORMAT} file` };
  const { offset, now, invoiceSequence, events, maps, webhooks } = parsed;
  if (![offset, now, invoiceSequence].every((n) => typeof n === 'number' && Number.isInteger(n)))
    return { error: 'no clock or counters' };
  if (!hasIds(events) || !isRecord(maps)) return { error: 'no objects' };
  if (
    !isRecord(webhooks) ||
    !Array.isArray(webhooks.endpoints) ||
    !webhooks.endpoints.every((u) => typeof u === 'string') ||
    !hasIds(webhooks.held) ||
    !hasIds(webhooks.deliveries)
  )
    return { error: 'no webhook state' };
  const restored: Partial<Record<MapKey, Map<string, unknown>>> = {};
  for (const key of MAP_KEYS) {
    const entries = maps[key] ?? (LATER_KEYS.has(key) ? [] : undefined);
    if (!isEntryList(entries)) return { error: `no ${key}` };
    restored[key] = new Map(entries);
  }
  const list = events as Stripe.Event[];
  const state = {
    ...restored,
    now,
    invoiceSequence,
    events: list,
    eventsById: new Map(list.map((e) => [e.id, e])),
  } as unknown as State;
  return {
    state,
    offset: offset as number,
    webhooks: {
      endpoints: webhooks.endpoints as string[],
      held: webhooks.held as Stripe.Event[],
      deliveries: webhooks.deliveries as Delivery[],
    },
  };
}

/** Writes `text` to `file` so that a reader sees the old file or the new one, never half of one. */
export function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
    renameSync(temporary, file);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
}

/** What `file` holds; null when there is no file yet or it cannot be used (reported in one line). */
export function loadStateFile(file: string, log: (line: string) => void): SavedEmulator | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      log(`state file ${file} unreadable (${(err as Error).message}); starting empty`);
    return null;
  }
  const loaded = deserializeEmulator(text);
  if ('error' in loaded) {
    log(`state file ${file} ignored (${loaded.error}); starting empty`);
    return null;
  }
  return loaded;
}

export interface StateKeeper {
  /** Saves now if anything changed since the last save (on close). */
  flush(): void;
  /** Cancels a pending save (after a final flush). */
  stop(): void;
}

/** Quiet time after a change before it is saved; a steady stream of changes is still saved this often. */
const SAVE_AFTER_MS = 200;
const SAVE_AT_LEAST_EVERY_MS = 2000;

/**
 * Saves `emulator` to `file` after its changes, debounced: a burst of requests is one write.
 * A failing write is reported and tried again at the next change; it never stops the emulator.
 */
export function keepStateIn(file: string, emulator: Emulator, log: (line: string) => void): StateKeeper {
  let timer: NodeJS.Timeout | undefined;
  let firstUnsaved: number | null = null;
  let saved = '';
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    firstUnsaved = null;
    const text = serializeEmulator(emulator.saved());
    if (text === saved) return;
    try {
      writeAtomically(file, text);
      saved = text;
    } catch (err) {
      log(`could not save the state to ${file}: ${(err as Error).message}`);
    }
  };
  emulator.onChange(() => {
    const now = Date.now();
    firstUnsaved ??= now;
    if (timer !== undefined) clearTimeout(timer);
    const wait = Math.max(0, Math.min(SAVE_AFTER_MS, firstUnsaved + SAVE_AT_LEAST_EVERY_MS - now));
    timer = setTimeout(flush, wait);
    timer.unref();
  });
  return {
    flush,
    stop: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
