/** @module Where a deep page of the members list starts: the reader half-way down the newest-first order. */
import Database from 'libsql';

/** `(created_at, id)` of the reader half-way down the members list (read straight from the file, bench only). */
export function deepCursorOf(file: string, readers: number): { at: number; id: string } {
  const db = new Database(file, { readonly: true });
  const row = db
    .prepare(
      'SELECT created_at AS at, id FROM readers WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?',
    )
    .get([Math.floor(readers / 2)]) as { at: number; id: string };
  db.close();
  return row;
}
