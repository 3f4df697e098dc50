/**
 * @module Statements for `db.batch` built once per database and shape, then bound to each call's
 * values. drizzle builds a statement's SQL text and parameter list on every call, which on the
 * webhook path cost more CPU than running the statements (docs/PERFORMANCE.md); a statement built
 * with `sql.placeholder(name)` where its values go is bound instead, each value through its
 * column's own encoder, exactly as drizzle binds a prepared query's placeholders.
 */
import { getTableColumns, is, Param, Placeholder, SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { oncePer } from '../lib/once-per';
import type { Db } from './client';

/**
 * What every driver's `db.batch` asks of an item (drizzle's d1, libsql and sqlite-proxy sessions):
 * `_prepare()`, whose query it reads by `getQuery()` (the SQL text and parameters), whose `mapResult`
 * maps the answer, and on D1 whose `stmt` (the prepared D1 statement) it binds the parameters to.
 */
interface Prepared {
  getQuery(): { sql: string; params: unknown[] };
  mapResult(result: unknown, isFromBatch?: boolean): unknown;
  stmt?: unknown;
}
interface Preparable {
  _prepare(isOneTimeQuery?: boolean): Prepared;
}

interface Encoder {
  mapToDriverValue(value: unknown): unknown;
}

/** Each parameter of the built statement: a constant, or the value named, through an encoder or as it is. */
type Slot = { constant: unknown } | { name: string; encoder: Encoder | null };

interface Built {
  prepared: Prepared;
  slots: Slot[];
}

export type Values = Record<string, unknown>;

function slotOf(param: unknown): Slot {
  if (is(param, Placeholder)) return { name: param.name, encoder: null };
  if (is(param, Param) && is(param.value, Placeholder)) {
    return { name: param.value.name, encoder: param.encoder as Encoder };
  }
  return { constant: param };
}

function boundValue(slot: Slot, values: Values): unknown {
  if ('constant' in slot) return slot.constant;
  const value = values[slot.name];
  if (value === undefined) throw new Error(`No value for placeholder "${slot.name}" was provided`);
  return value === null || slot.encoder === null ? value : slot.encoder.mapToDriverValue(value);
}

/**
 * A statement `build` makes once per database and `shape` (a key for whatever its SQL text depends
 * on, such as the columns an update sets), with `sql.placeholder(name)` where values go. Each call
 * returns it bound to `values`, to put in `db.batch` as the drizzle query itself would be. A value
 * left undefined is an error; null binds NULL.
 *
 * @example
 * ```ts
 * const release = bound((db) =>
 *   db.delete(stripePendingEvents).where(eq(stripePendingEvents.id, sql.placeholder('id'))),
 * );
 * await ctx.db.batch([release(ctx.db, { id: event.id })]);
 * ```
 */
export function bound<Q>(build: (db: Db, shape: string) => Q): (db: Db, values: Values, shape?: string) => Q {
  const shapesOf = oncePer((_db: Db) => new Map<string, Built>());
  return (db, values, shape = '') => {
    const shapes = shapesOf(db);
    let built = shapes.get(shape);
    if (built === undefined) {
      const prepared = (build(db, shape) as unknown as Preparable)._prepare(false);
      built = { prepared, slots: prepared.getQuery().params.map(slotOf) };
      shapes.set(shape, built);
    }
    const { prepared, slots } = built;
    const params = slots.map((slot) => boundValue(slot, values));
    const query = { ...prepared.getQuery(), params };
    // A delegate rather than a copy: a driver's prepared query may keep private state of its own.
    const statement: Prepared = {
      stmt: prepared.stmt,
      getQuery: () => query,
      mapResult: (result, isFromBatch) => prepared.mapResult(result, isFromBatch),
    };
    return { _prepare: () => statement } as unknown as Q;
  };
}

export type Column = ReturnType<typeof getTableColumns<SQLiteTable>>[string];

/** The columns an insert writes: every one but the generated (SQLite computes those). */
function insertedColumns(table: SQLiteTable): [string, Column][] {
  return Object.entries(getTableColumns(table)).filter(([, column]) => column.generated === undefined);
}

/**
 * What drizzle's own insert writes in a column a row leaves out: its default, or what its default
 * function makes, else NULL. An SQL default is returned as the SQL.
 */
export function columnDefault(column: Column): unknown {
  if (column.default !== null && column.default !== undefined) return column.default;
  if (column.defaultFn !== undefined) return column.defaultFn();
  return null;
}

/** A placeholder named after each column an insert writes: the row of a bound insert. */
export function placeholderRow<T extends SQLiteTable>(table: T): T['$inferInsert'] {
  return Object.fromEntries(insertedColumns(table).map(([key]) => [key, sql.placeholder(key)])) as never;
}

/**
 * The values of a bound insert of `row`: each column's own, or its default where the row leaves it
 * out. A table with an SQL default cannot be bound this way (the default is not a value).
 */
export function rowValues<T extends SQLiteTable>(table: T, row: T['$inferInsert']): Values {
  const given = row as Values;
  const values: Values = {};
  for (const [key, column] of insertedColumns(table)) {
    const value = given[key] !== undefined ? given[key] : columnDefault(column);
    if (is(value, SQL)) throw new Error(`column ${column.name} has an SQL default: give it a value`);
    values[key] = value;
  }
  return values;
}
