/**
 * @module Keyset pages of newest-first lists, the one pagination of the API: rows ordered by
 * `(created_at, id)` descending, an opaque `next_cursor` naming the last row of a page.
 */
import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { invalidRequest } from '../app/errors';
import { epochSeconds } from '../domain/time';
import { base64urlText } from '../lib/encoding';

/**
 * A position in a list ordered newest first: the row's `created_at` (epoch seconds) and its id, the
 * tie-breaker. Encoded opaquely so clients do not build cursors themselves; rows added while a
 * client pages are newer than its cursor, so they never shift the pages still to come.
 */
export interface PageCursor {
  at: number;
  id: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export function encodeCursor(cursor: PageCursor): string {
  return base64urlText(JSON.stringify([cursor.at, cursor.id]));
}

/** The cursor a client passed back, or null without one; 400 `invalid_request` for anything else. */
export function decodeCursor(value: string | undefined): PageCursor | null {
  if (value === undefined) return null;
  const refuse = () =>
    invalidRequest([{ path: 'cursor', message: 'Unknown cursor: pass next_cursor as given' }]);
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(value)) throw refuse();
  let parsed: unknown;
  try {
    const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))));
  } catch {
    throw refuse();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    parsed[1].length > 400
  ) {
    throw refuse();
  }
  return { at: parsed[0] as number, id: parsed[1] };
}

/**
 * Keyset condition of a newest-first list: the rows after `cursor` by `(created_at, id)`; none
 * without one. A row-value comparison (the same rows as `created_at < at or (created_at = at and
 * id < id)`), which SQLite seeks to in a `(created_at, id)` index; the `or` form it cannot, so a
 * deep page walked every newer row first (bench/scale).
 */
export function afterCursor(cursor: PageCursor | null, createdAt: AnyColumn, id: AnyColumn): SQL | undefined {
  return cursor ? sql`(${createdAt}, ${id}) < (${cursor.at}, ${cursor.id})` : undefined;
}

/**
 * One page of a newest-first list read with `limit + 1` rows: the first `limit`, and the cursor of
 * the next page when the extra row shows there is one. `position` names a row's `(created_at, id)`.
 */
export function pageFromRows<T>(
  rows: T[],
  limit: number,
  position: (row: T) => { createdAt: Date; id: string },
): Page<T> {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  if (rows.length <= limit || last === undefined) return { data, nextCursor: null };
  const { createdAt, id } = position(last);
  return { data, nextCursor: encodeCursor({ at: epochSeconds(createdAt), id }) };
}
