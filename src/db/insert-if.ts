/**
 * @module A conditional insert for `db.batch`: the row lands only if an SQL condition holds when the
 * batch runs (e.g. "our own versioned update just landed"). The values are laid out from the
 * table's own column list, as drizzle's `insert().values()` lays them out, so nothing is written
 * in a hand-kept column order.
 */
import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { type Column, columnDefault } from './bound';
import type { Db } from './client';

/** A column's value in the row, or what drizzle's own insert uses when the row leaves it out. */
function columnValue(column: Column, value: unknown): SQL {
  const chosen = value !== undefined ? value : columnDefault(column);
  return is(chosen, SQL) ? chosen : sql`${sql.param(chosen, column)}`;
}

/**
 * `insert into t (every column) select <the row's values> where <condition> on conflict do
 * nothing`, as a statement to put in a batch. Each value goes through its column's encoding
 * (timestamps, JSON); columns the row leaves out take their defaults.
 *
 * @example
 * ```ts
 * await db.batch([update, insertIf(db, stripeEvents, record, landed)]);
 * ```
 */
export function insertIf<T extends SQLiteTable>(db: Db, table: T, row: T['$inferInsert'], condition: SQL) {
  const given = row as Record<string, unknown>;
  const values = Object.entries(getTableColumns(table))
    // Generated columns are not inserted (SQLite computes them), as in drizzle's own insert.
    .filter(([, column]) => column.generated === undefined)
    .map(([key, column]) => columnValue(column, given[key]));
  return db
    .insert(table)
    .select(sql`select ${sql.join(values, sql`, `)} where ${condition}`)
    .onConflictDoNothing();
}
