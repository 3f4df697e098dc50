/**
 * @module The compiled row mapper (src/db/row-mapper.ts) answers what drizzle's own `mapResultRow`
 * answers, for the service's query shapes (joins that may be null, aliases, SQL fields, nested
 * objects) and any row; and the Node door's local database maps through it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LibsqlError } from '@libsql/client';
import * as drizzle from 'drizzle-orm';
import { count, DrizzleQueryError, eq, sql } from 'drizzle-orm';
import { alias, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDatabase, openLocalDatabase } from '../../src/db/local-database';
import { MIGRATIONS_DIR } from '../../src/db/open';
import { compileRowMapper, type SelectedField } from '../../src/db/row-mapper';
import { memberships, publishers, readers, sessions } from '../../src/db/schema';

let dir: string;
let local: LocalDatabase;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'onepass-mapper-'));
  local = openLocalDatabase({ path: path.join(dir, 'm.db'), pragmas: ['PRAGMA foreign_keys = ON'] });
  await local.migrate(MIGRATIONS_DIR);
});
afterAll(() => {
  local.close();
  rmSync(dir, { recursive: true, force: true });
});

const owner = alias(memberships, 'owner_membership');
/** drizzle's own mapping (exported at run time, internal in its types). */
const { mapResultRow } = drizzle as unknown as {
  mapResultRow: (fields: never, row: unknown[], joins?: Record<string, boolean>) => unknown;
};

/** Query shapes as the features build them. */
const shapes = () => {
  const db = local.db;
  return {
    'inner and left joins, an alias': db
      .select({ session: sessions, reader: readers, membership: memberships, owner })
      .from(sessions)
      .innerJoin(readers, eq(readers.id, sessions.readerId))
      .leftJoin(memberships, eq(memberships.readerId, sessions.readerId))
      .leftJoin(owner, eq(owner.readerId, sessions.readerId)),
    'flat columns and SQL fields': db
      .select({
        id: readers.id,
        created: readers.createdAt,
        n: count(),
        upper: sql<string>`upper(${readers.email})`.mapWith(String),
        flag: sql<number>`1`.as('flag'),
      })
      .from(readers),
    'nested objects, a left join': db
      .select({
        publisher: { id: publishers.id, name: publishers.name },
        reader: { id: readers.id, deleted: readers.deletedAt },
        plan: memberships.plan,
      })
      .from(publishers)
      .leftJoin(readers, sql`1`)
      .leftJoin(memberships, eq(memberships.readerId, readers.id)),
    'a whole table': db.select().from(memberships),
  };
};

/** Dates by their time (NaN for invalid ones), so that both answers compare as plain values. */
function plain(value: unknown): unknown {
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function outcome(map: () => unknown): unknown {
  try {
    return { value: plain(map()) };
  } catch (err) {
    return { error: String(err) };
  }
}

const cell = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.integer({ min: -2e9, max: 2e9 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('{"a":1}', '[]', '0', '') },
  { weight: 1, arbitrary: fc.double() },
);

describe('compiled row mapper', () => {
  const names = [
    'inner and left joins, an alias',
    'flat columns and SQL fields',
    'nested objects, a left join',
    'a whole table',
  ] as const;
  for (const name of names) {
    it(`agrees with drizzle's mapResultRow on any row: ${name}`, () => {
      const prepared = shapes()[name].prepare() as unknown as {
        fields: SelectedField[];
        joinsNotNullableMap: Record<string, boolean>;
      };
      const { fields, joinsNotNullableMap } = prepared;
      expect(fields.length).toBeGreaterThan(0);
      const mapper = compileRowMapper(fields, joinsNotNullableMap);
      fc.assert(
        fc.property(fc.array(cell, { minLength: fields.length, maxLength: fields.length }), (row) => {
          const theirs = outcome(() => mapResultRow(fields as never, row, joinsNotNullableMap));
          expect(outcome(() => mapper(row))).toEqual(theirs);
        }),
        { numRuns: 500 },
      );
      // The rows the null rule is about: a left-joined object that is all nulls, or only partly.
      const allNull = fields.map(() => null);
      expect(plain(mapper(allNull))).toEqual(
        plain(mapResultRow(fields as never, allNull, joinsNotNullableMap)),
      );
    });
  }

  it('is what the local database maps rows through, joined objects null when absent', async () => {
    const db = local.db;
    await db.insert(readers).values({
      id: 'rdr_mapper0000000000001',
      email: 'mapper@example.com',
      emailKey: 'mapper@example.com',
      trialIdentity: 'mapper@example.com',
      passwordHash: 'x',
      createdAt: new Date(1_700_000_000_000),
      updatedAt: new Date(1_700_000_000_000),
    });
    const [row] = await db
      .select({ reader: readers, membership: memberships })
      .from(readers)
      .leftJoin(memberships, eq(memberships.readerId, readers.id))
      .where(eq(readers.id, 'rdr_mapper0000000000001'));
    expect(row?.reader.createdAt).toEqual(new Date(1_700_000_000_000));
    expect(row?.reader.deletedAt).toBeNull();
    expect(row?.membership).toBeNull();
    const one = await db
      .select({ email: readers.email, n: count() })
      .from(readers)
      .where(eq(readers.id, 'rdr_mapper0000000000001'))
      .get();
    expect(one).toEqual({ email: 'mapper@example.com', n: 1 });
  });

  it('maps a prepared query the same on its first call (drizzle) and later ones (compiled)', async () => {
    const db = local.db;
    const joined = db
      .select({ reader: readers, membership: memberships })
      .from(readers)
      .leftJoin(memberships, eq(memberships.readerId, readers.id))
      .where(eq(readers.id, sql.placeholder('id')))
      .prepare();
    const id = { id: 'rdr_mapper0000000000001' };
    const first = await joined.all(id);
    const single = await joined.get(id);
    const later = await joined.all(id);
    expect(first).toHaveLength(1);
    expect(first[0]?.membership).toBeNull();
    expect(first[0]?.reader.createdAt).toEqual(new Date(1_700_000_000_000));
    expect(single).toEqual(first[0]);
    expect(later).toEqual(first);
    // A first call of many rows is compiled at once, and answers as drizzle's mapping would.
    const many = Array.from({ length: 40 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    const rows = await db
      .select({ n: sql<string>`value`.mapWith(String), at: readers.createdAt })
      .from(sql`json_each(${JSON.stringify(many)})`)
      .leftJoin(readers, eq(readers.id, sql`value`));
    expect(rows.map((r) => r.n)).toEqual(many);
    expect(rows.every((r) => r.at === null)).toBe(true);
  });

  it('reads go to the driver directly: rows, one row, values, and errors as drizzle raises them', async () => {
    const db = local.db;
    const byId = db
      .select({ id: readers.id, email: readers.email })
      .from(readers)
      .where(eq(readers.id, sql.placeholder('id')))
      .prepare();
    expect(await byId.all({ id: 'rdr_mapper0000000000001' })).toEqual([
      { id: 'rdr_mapper0000000000001', email: 'mapper@example.com' },
    ]);
    expect(await byId.get({ id: 'rdr_mapper0000000000001' })).toEqual({
      id: 'rdr_mapper0000000000001',
      email: 'mapper@example.com',
    });
    expect(await byId.get({ id: 'rdr_nobody' })).toBeUndefined();
    expect(await byId.values({ id: 'rdr_mapper0000000000001' })).toEqual([
      ['rdr_mapper0000000000001', 'mapper@example.com'],
    ]);
    const missing = sqliteTable('no_such_table', { id: text('id') });
    for (const read of [
      () => db.select().from(missing).all(),
      () => db.select().from(missing).get(),
      () => db.select().from(missing).values(),
    ]) {
      const err = await read().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DrizzleQueryError);
      expect((err as DrizzleQueryError).query).toContain('no_such_table');
      expect((err as DrizzleQueryError).cause).toBeInstanceOf(LibsqlError);
      expect(((err as DrizzleQueryError).cause as LibsqlError).code).toBe('SQLITE_ERROR');
    }
  });
});
