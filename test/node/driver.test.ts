/**
 * The Node door's local driver (src/db/driver.ts: drizzle's sqlite-proxy over `libsql` with a
 * statement cache) on real database files: what drizzle asks of it (all, get, values, run,
 * returning, batch), errors as the service recognises them, the cache, pragmas, recovery from
 * SQLITE_BUSY and many concurrent callers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LibsqlError } from '@libsql/client';
import { eq, sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import Database from 'libsql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toApiError } from '../../src/app/errors';
import type { Db } from '../../src/db/client';
import { isUniqueViolation } from '../../src/db/errors';
import { type LocalDatabase, openLocalDatabase } from '../../src/db/local-database';

const parents = sqliteTable('parents', {
  id: integer('id').primaryKey(),
  name: text('name').notNull().unique(),
  born: integer('born'),
});
const children = sqliteTable('children', {
  id: integer('id').primaryKey(),
  parentId: integer('parent_id')
    .notNull()
    .references(() => parents.id),
  name: text('name'),
});

const PRAGMAS = ['PRAGMA journal_mode = WAL', 'PRAGMA foreign_keys = ON', 'PRAGMA synchronous = NORMAL'];

let dir: string;
let file: string;
let local: LocalDatabase;
let db: Db;
let side: InstanceType<typeof Database>;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'onepass-driver-'));
  file = path.join(dir, 'test.db');
  local = openLocalDatabase({ path: file, pragmas: PRAGMAS });
  db = local.db;
  await db.run(sql`CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, born INTEGER)`);
  await db.run(
    sql`CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parents(id), name TEXT)`,
  );
  side = new Database(file);
});

afterEach(() => {
  side.close();
  local.close();
  rmSync(dir, { recursive: true, force: true });
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
const statusOf = (err: unknown) => toApiError(err, () => {}).status;

describe('what drizzle asks of the driver', () => {
  it('all, get and values, with rows and without', async () => {
    await db.insert(parents).values([
      { id: 1, name: 'Ada', born: 1815 },
      { id: 2, name: 'Grace', born: 1906 },
    ]);
    expect(await db.select().from(parents).orderBy(parents.id)).toEqual([
      { id: 1, name: 'Ada', born: 1815 },
      { id: 2, name: 'Grace', born: 1906 },
    ]);
    expect(await db.select().from(parents).where(eq(parents.id, 9))).toEqual([]);
    expect(await db.select({ name: parents.name }).from(parents).where(eq(parents.id, 2)).get()).toEqual({
      name: 'Grace',
    });
    expect(await db.select().from(parents).where(eq(parents.id, 9)).get()).toBeUndefined();
    expect(
      await db.select({ id: parents.id, name: parents.name }).from(parents).orderBy(parents.id).values(),
    ).toEqual([
      [1, 'Ada'],
      [2, 'Grace'],
    ]);
    expect(await db.select().from(parents).where(eq(parents.id, 9)).values()).toEqual([]);
  });

  it('joins map every table, a left join without a match to null', async () => {
    await db.insert(parents).values({ id: 1, name: 'Ada' });
    await db.insert(children).values({ id: 7, parentId: 1, name: 'Byron' });
    await db.insert(parents).values({ id: 2, name: 'Grace' });
    const rows = await db
      .select({ parent: parents, child: children })
      .from(parents)
      .leftJoin(children, eq(children.parentId, parents.id))
      .orderBy(parents.id);
    expect(rows).toEqual([
      { parent: { id: 1, name: 'Ada', born: null }, child: { id: 7, parentId: 1, name: 'Byron' } },
      { parent: { id: 2, name: 'Grace', born: null }, child: null },
    ]);
  });

  it('returning, from inserts, updates and deletes, with rows and without', async () => {
    expect(await db.insert(parents).values({ name: 'Ada' }).returning({ id: parents.id })).toEqual([
      { id: 1 },
    ]);
    expect(await db.insert(parents).values({ name: 'Grace' }).returning().get()).toEqual({
      id: 2,
      name: 'Grace',
      born: null,
    });
    const updated = await db.update(parents).set({ born: 1900 }).returning({ name: parents.name });
    expect(updated.map((r) => r.name).sort()).toEqual(['Ada', 'Grace']);
    expect(await db.update(parents).set({ born: 1 }).where(eq(parents.id, 99)).returning()).toEqual([]);
    expect(await db.delete(parents).where(eq(parents.id, 1)).returning({ id: parents.id })).toEqual([
      { id: 1 },
    ]);
    // A returning statement run for its effect only still writes, and leaves nothing open.
    await db.run(sql`INSERT INTO parents (name) VALUES ('Hedy') RETURNING id`);
    expect(await db.$count(parents)).toBe(2);
    await db.batch([db.insert(parents).values({ name: 'Ida' })]);
  });

  it('run answers no rows, with or without effect', async () => {
    expect(await db.insert(parents).values({ name: 'Ada' })).toEqual({ rows: [] });
    expect(await db.delete(parents).where(eq(parents.id, 42))).toEqual({ rows: [] });
  });

  it('raw queries answer objects by column name, as drizzle’s D1 and libSQL drivers do', async () => {
    await db.insert(parents).values({ id: 1, name: 'Ada', born: 1815 });
    expect(await db.all(sql`SELECT name, born FROM parents`)).toEqual([{ name: 'Ada', born: 1815 }]);
    expect(await db.get(sql`SELECT name FROM parents WHERE id = ${1}`)).toEqual({ name: 'Ada' });
    expect(await db.get(sql`SELECT name FROM parents WHERE id = ${2}`)).toBeUndefined();
    expect(await db.values(sql`SELECT id, name FROM parents`)).toEqual([[1, 'Ada']]);
    // Duplicate names: the first column wins, as in @libsql/client; names like `constructor` are plain keys.
    expect(await db.all(sql`SELECT 1 AS a, 2 AS a, 3 AS "constructor"`)).toEqual([{ a: 1, constructor: 3 }]);
  });

  it('answers get and all alike on the same SQL text, in any order (libsql 0.5 does not on one statement)', async () => {
    await db.insert(parents).values([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const byMin = db
      .select({ id: parents.id })
      .from(parents)
      .where(sql`${parents.id} > ${sql.placeholder('min')}`)
      .orderBy(parents.id)
      .limit(sql.placeholder('n'))
      .prepare();
    // Each call binds other arguments than the one before it: a stale answer shows.
    const ids = (min: number, n: number) => [1, 2, 3].filter((id) => id > min).slice(0, n);
    const calls = [
      ['all', 0, 2],
      ['get', 1, 2],
      ['all', 9, 1],
      ['get', 0, 1],
      ['all', 0, 10],
      ['get', 2, 5],
      ['all', 1, 1],
      ['get', 9, 1],
      ['all', 0, 0],
      ['get', 0, 3],
    ] as const;
    for (const [method, min, n] of calls) {
      const answer =
        method === 'all' ? (await byMin.all({ min, n })).map((r) => r.id) : (await byMin.get({ min, n }))?.id;
      expect(answer, `${method} min ${min} limit ${n}`).toEqual(
        method === 'all' ? ids(min, n) : ids(min, n)[0],
      );
    }
  });

  it('binds a boolean in raw SQL as 0/1 (libsql 0.5 would abort the process)', async () => {
    expect(await db.all(sql`SELECT ${true} AS t, ${false} AS f`)).toEqual([{ t: 1, f: 0 }]);
  });

  it('refuses interactive transactions: batch is the atomic write', async () => {
    await expect(db.transaction(async () => {})).rejects.toThrow(/db\.batch/);
  });
});

describe('batches', () => {
  it('answer every statement, each seeing the ones before it', async () => {
    const [inserted, list, one, updated] = await db.batch([
      db.insert(parents).values({ id: 1, name: 'Ada' }).returning({ id: parents.id }),
      db.select({ name: parents.name }).from(parents),
      db.select().from(parents).where(eq(parents.id, 2)).limit(1),
      db.update(parents).set({ born: 1815 }).where(eq(parents.id, 1)),
    ]);
    expect(inserted).toEqual([{ id: 1 }]);
    expect(list).toEqual([{ name: 'Ada' }]);
    expect(one).toEqual([]);
    expect(updated).toEqual({ rows: [] });
  });

  it('write everything or nothing: a failing statement leaves no write of the batch behind', async () => {
    await db.insert(parents).values({ id: 1, name: 'Ada' });
    const err = await failure(
      db.batch([
        db.update(parents).set({ born: 1 }).where(eq(parents.id, 1)),
        db.insert(parents).values({ id: 2, name: 'Grace' }),
        db.insert(children).values({ parentId: 99, name: 'orphan' }),
      ]),
    );
    expect(err).toMatchObject({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    expect(side.prepare('SELECT id, born FROM parents').raw(true).all()).toEqual([[1, null]]);
    expect(side.prepare('SELECT count(*) FROM children').raw(true).get()).toEqual([0]);
    // The connection is out of the transaction and takes the next batch.
    await db.batch([db.insert(parents).values({ id: 2, name: 'Grace' })]);
    expect(await db.$count(parents)).toBe(2);
  });

  it('many async callers at once: every batch whole, none interleaved, conflicts refused alone', async () => {
    await db.insert(parents).values({ id: 1, name: 'counter', born: 0 });
    const attempts = Array.from({ length: 60 }, (_, i) =>
      db
        .batch([
          db
            .update(parents)
            .set({ born: sql`${parents.born} + 1` })
            .where(eq(parents.id, 1)),
          // Every third caller reuses a name: its whole batch must fail, counter bump included.
          db.insert(parents).values({ name: `p${i % 3 === 2 ? 0 : i}` }),
          db.insert(children).values({ parentId: 1, name: `c${i}` }),
        ])
        .then(
          () => 'ok',
          (err: unknown) => (isUniqueViolation(err, 'parents.') ? 'taken' : err),
        ),
    );
    const outcomes = await Promise.all(attempts);
    const ok = outcomes.filter((o) => o === 'ok').length;
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'taken')).toEqual([]);
    expect(ok).toBe(40); // p0 taken by caller 0, so the 20 callers reusing it are refused
    expect(side.prepare('SELECT born FROM parents WHERE id = 1').raw(true).get()).toEqual([ok]);
    expect(side.prepare('SELECT count(*) FROM children').raw(true).get()).toEqual([ok]);
  });
});

describe('errors, as the service recognises them', () => {
  it('a unique violation is a LibsqlError isUniqueViolation recognises, directly and from a batch', async () => {
    await db.insert(parents).values({ name: 'Ada' });
    const direct = await failure(db.insert(parents).values({ name: 'Ada' }));
    expect(isUniqueViolation(direct, 'parents.')).toBe(true);
    expect(isUniqueViolation(direct, 'children.')).toBe(false);
    const cause = (direct as { cause?: unknown }).cause;
    expect(cause).toBeInstanceOf(LibsqlError);
    expect(cause).toMatchObject({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_UNIQUE' });
    const batched = await failure(db.batch([db.insert(parents).values({ name: 'Ada' })]));
    expect(isUniqueViolation(batched, 'parents.name')).toBe(true);
  });

  it('a failing database is a database failure: 503 for the client', async () => {
    expect(statusOf(await failure(db.select().from(sqliteTable('missing', { id: integer('id') }))))).toBe(
      503,
    );
    expect(statusOf(await failure(db.all(sql`SELECT * FROM missing`)))).toBe(503);
    expect(statusOf(await failure(db.batch([db.run(sql`INSERT INTO missing VALUES (1)`)])))).toBe(503);
  });

  it('refuses every call once closed', async () => {
    local.close();
    await expect(db.select().from(parents)).rejects.toMatchObject({ cause: { code: 'CLIENT_CLOSED' } });
    await expect(db.batch([db.select().from(parents)])).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });
});

describe('the statement cache', () => {
  it('prepares a SQL text once and answers each call with its own arguments and current data', async () => {
    const byId = db
      .select()
      .from(parents)
      .where(eq(parents.id, sql.placeholder('id')))
      .prepare();
    expect(await byId.all({ id: 1 })).toEqual([]);
    side.exec("INSERT INTO parents (id, name) VALUES (1, 'from another connection')");
    expect(await byId.all({ id: 1 })).toEqual([{ id: 1, name: 'from another connection', born: null }]);
    for (let i = 0; i < 20; i++) await db.select().from(parents).where(eq(parents.id, i));
    const text = byId.getQuery().sql;
    expect(local.preparedSql().filter((s) => s === text)).toHaveLength(1);
  });

  it('stays bounded, evicts the least recently used text, and keeps answering', async () => {
    const small = openLocalDatabase({ path: file, statementCacheSize: 3 });
    try {
      const q = (i: number) => small.db.all(sql.raw(`SELECT ${i} AS v`));
      for (const i of [1, 2, 3, 1, 4]) expect(await q(i)).toEqual([{ v: i }]);
      expect(small.preparedSql().sort()).toEqual(['SELECT 1 AS v', 'SELECT 3 AS v', 'SELECT 4 AS v']);
      for (let i = 0; i < 30; i++) expect(await q(i)).toEqual([{ v: i }]);
      expect(small.preparedSql()).toHaveLength(3);
    } finally {
      small.close();
    }
  });

  it('sees a schema change through statements prepared before it', async () => {
    await db.insert(parents).values({ id: 1, name: 'Ada' });
    expect(await db.all(sql.raw('SELECT * FROM parents'))).toEqual([{ id: 1, name: 'Ada', born: null }]);
    await db.run(sql`ALTER TABLE parents ADD COLUMN nickname TEXT`);
    expect(await db.all(sql.raw('SELECT * FROM parents'))).toEqual([
      { id: 1, name: 'Ada', born: null, nickname: null },
    ]);
  });
});

describe('the connection', () => {
  const pragma = async (name: string) => Object.values((await db.get(sql.raw(`PRAGMA ${name}`))) ?? {})[0];

  it('runs in WAL mode with foreign keys on and the configured synchronous level', async () => {
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('synchronous')).toBe(1); // NORMAL
    const full = openLocalDatabase({ path: file, pragmas: ['PRAGMA synchronous = FULL'] });
    try {
      expect(await full.db.values(sql`PRAGMA synchronous`)).toEqual([[2]]);
    } finally {
      full.close();
    }
    await expect(db.insert(children).values({ parentId: 42 })).rejects.toMatchObject({
      cause: { extendedCode: 'SQLITE_CONSTRAINT_FOREIGNKEY' },
    });
  });

  it('recovers from SQLITE_BUSY: a fresh connection, with its pragmas, commits once the lock is gone', async () => {
    await db.insert(parents).values({ id: 1, name: 'Ada' });
    side.exec('BEGIN IMMEDIATE');
    side.exec("INSERT INTO parents (id, name) VALUES (2, 'locker')");
    // An autocommit write: libsql leaves that statement un-reset, and its connection would then
    // refuse every later COMMIT ("SQL statements in progress") not made by that same statement.
    const busy = await failure(db.update(parents).set({ born: 1 }).where(eq(parents.id, 1)));
    expect((busy as { cause?: unknown }).cause).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(statusOf(busy)).toBe(503);
    expect(statusOf(await failure(db.batch([db.insert(parents).values({ id: 3, name: 'blocked' })])))).toBe(
      503,
    );
    side.exec('COMMIT');
    await db.batch([db.insert(parents).values({ id: 3, name: 'after' })]);
    await db.insert(parents).values({ id: 4, name: 'and after' });
    expect(side.prepare('SELECT name FROM parents ORDER BY id').raw(true).all()).toEqual([
      ['Ada'],
      ['locker'],
      ['after'],
      ['and after'],
    ]);
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('synchronous')).toBe(1);
  });
});
