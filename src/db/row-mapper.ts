/**
 * @module drizzle's row mapping (`mapResultRow`: array rows → the selected objects) worked out once
 * per prepared query instead of once per row: which decoder each column has, where in the object
 * it goes, and which left-joined object turns null. drizzle redoes all of that for every row (two
 * entity checks, a path iterator and a table-name lookup per column), which cost about a fifth of
 * the session lookup every authenticated request makes. Same answers as `mapResultRow`, property-
 * tested against it (test/node/row-mapper.test.ts).
 */
import { Column, type DriverValueDecoder, getTableName, is, SQL, Subquery } from 'drizzle-orm';

/** drizzle's selected-field list, as `orderSelectedFields` builds it. */
export interface SelectedField {
  path: string[];
  field: unknown;
}

export type RowMapper = (row: unknown[]) => Record<string, unknown>;

interface CompiledColumn {
  parents: string[];
  key: string;
  decoder: DriverValueDecoder<unknown, unknown>;
  /** A column of a joined table's object (`path` of two): the object and its table, for nulling. */
  object: string | undefined;
  table: string | undefined;
}

type Decoded = { decoder: DriverValueDecoder<unknown, unknown> };

/** The decoder drizzle's `mapResultRow` picks (`SQL.decoder` is internal to drizzle, hence the casts). */
function decoderOf(field: unknown): DriverValueDecoder<unknown, unknown> {
  if (is(field, Column)) return field;
  if (is(field, SQL)) return (field as unknown as Decoded).decoder;
  if (is(field, Subquery)) return (field._.sql as unknown as Decoded).decoder;
  return ((field as SQL.Aliased).sql as unknown as Decoded).decoder;
}

/**
 * The mapping of `fields` with drizzle's null rule for joins: an object whose first column is null
 * and whose columns all come from one table becomes null when that table is not marked as never
 * null in `joinsNotNullableMap`.
 */
export function compileRowMapper(
  fields: readonly SelectedField[],
  joinsNotNullableMap: Record<string, boolean> | undefined,
): RowMapper {
  const columns: CompiledColumn[] = fields.map(({ path, field }) => {
    const nullable = joinsNotNullableMap !== undefined && is(field, Column) && path.length === 2;
    return {
      parents: path.slice(0, -1),
      key: path[path.length - 1] as string,
      decoder: decoderOf(field),
      object: nullable ? path[0] : undefined,
      table: nullable ? getTableName((field as Column).table) : undefined,
    };
  });
  return (row) => {
    const result: Record<string, unknown> = {};
    let nullify: Record<string, string | false> | undefined;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as CompiledColumn;
      let node = result;
      for (const chunk of column.parents) {
        if (!(chunk in node)) node[chunk] = {};
        node = node[chunk] as Record<string, unknown>;
      }
      const raw = row[i];
      const value = raw === null ? null : column.decoder.mapFromDriverValue(raw);
      node[column.key] = value;
      if (column.object !== undefined) {
        nullify ??= {};
        const seen = nullify[column.object];
        if (seen === undefined) nullify[column.object] = value === null ? (column.table as string) : false;
        else if (typeof seen === 'string' && seen !== column.table) nullify[column.object] = false;
      }
    }
    if (nullify !== undefined && joinsNotNullableMap !== undefined) {
      for (const object in nullify) {
        const table = nullify[object];
        if (typeof table === 'string' && !joinsNotNullableMap[table]) result[object] = null;
      }
    }
    return result;
  };
}
