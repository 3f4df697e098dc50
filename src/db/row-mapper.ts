/**
 * @module drizzle's row mapping (`mapResultRow`: array rows → the selected objects) worked out once
 * per prepared query instead of once per row, as a generated function (Node door only): which
 * decoder each column has, where in the object it goes, and which left-joined object turns null. drizzle redoes all of that for every row (two
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

type Decoded = { decoder: DriverValueDecoder<unknown, unknown> };

/** The decoder drizzle's `mapResultRow` picks (`SQL.decoder` is internal to drizzle, hence the casts). */
function decoderOf(field: unknown): DriverValueDecoder<unknown, unknown> {
  if (is(field, Column)) return field;
  if (is(field, SQL)) return (field as unknown as Decoded).decoder;
  if (is(field, Subquery)) return (field._.sql as unknown as Decoded).decoder;
  return ((field as SQL.Aliased).sql as unknown as Decoded).decoder;
}

/** A node of the result's shape: a column's index at a leaf, nested keys under an object. */
type Shape = Map<string, number | Shape>;

/**
 * The mapping of `fields` with drizzle's null rule for joins: an object whose first column is null
 * and whose columns all come from one table becomes null when that table is not marked as never
 * null in `joinsNotNullableMap`.
 *
 * The mapper is generated code: one object literal per selected object, so every row of a query
 * gets objects of one shape and every column its own call site. A loop that sets `object[key]`
 * column by column made V8 treat each store and decoder call as megamorphic, which cost about as
 * much as the query's own step in SQLite. The generated text holds only indexes and the selected
 * keys (written as JSON string literals); values and decoders are passed in, never written into it.
 */
export function compileRowMapper(
  fields: readonly SelectedField[],
  joinsNotNullableMap: Record<string, boolean> | undefined,
): RowMapper {
  const decoders = fields.map(({ field }) => decoderOf(field));
  const root: Shape = new Map();
  /** Per joined object: its columns' tables (in field order) and its first column's index. */
  const joined = new Map<string, { first: number; tables: Set<string> }>();
  fields.forEach(({ path, field }, i) => {
    let node = root;
    for (const chunk of path.slice(0, -1)) {
      let next = node.get(chunk);
      if (!(next instanceof Map)) {
        next = new Map();
        node.set(chunk, next);
      }
      node = next;
    }
    node.set(path[path.length - 1] as string, i);
    if (joinsNotNullableMap !== undefined && is(field, Column) && path.length === 2) {
      const object = path[0] as string;
      const seen = joined.get(object) ?? { first: i, tables: new Set<string>() };
      seen.tables.add(getTableName((field as Column).table));
      joined.set(object, seen);
    }
  });
  /** The objects that turn null when their first column is null: all from one nullable table. */
  const nullable = new Map<string, number>();
  for (const [object, { first, tables }] of joined) {
    const [table] = tables;
    if (tables.size === 1 && table !== undefined && !joinsNotNullableMap?.[table])
      nullable.set(object, first);
  }
  const literal = (shape: Shape, top: boolean): string => {
    const entries = [...shape].map(([key, node]) => {
      const text = typeof node === 'number' ? `v${node}` : literal(node, false);
      const first = top ? nullable.get(key) : undefined;
      // A `"__proto__": …` entry would set the prototype; the computed form defines the key.
      const name = key === '__proto__' ? `[${JSON.stringify(key)}]` : JSON.stringify(key);
      return `${name}: ${first === undefined ? text : `v${first} === null ? null : ${text}`}`;
    });
    return `{ ${entries.join(', ')} }`;
  };
  // Every column is decoded, as drizzle does, even in an object that then turns null.
  const values = fields.map(
    (_, i) => `const v${i} = row[${i}] === null ? null : d[${i}].mapFromDriverValue(row[${i}]);`,
  );
  const make = new Function(
    'd',
    `return (row) => { ${values.join(' ')} return ${literal(root, true)}; };`,
  ) as (d: DriverValueDecoder<unknown, unknown>[]) => RowMapper;
  return make(decoders);
}
