/**
 * The Node door's local libSQL client (src/db/local-client.ts) on real database files: the same
 * answers as `@libsql/client` for the same statements, the statement cache, transactions, errors
 * and recovery from SQLITE_BUSY.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Client, createClient, LibsqlBatchError, LibsqlError } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalClient, type LocalClient, localPath } from '../../src/db/local-client';

let dir: string;
let file: string;
let local: LocalClient;
let reference: Client;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'onepass-local-client-'));
  file = path.join(dir, 'test.db');
  local = createLocalClient({ url: `file:${file}`, connectionPragmas: ['PRAGMA foreign_keys = ON'] });
  await local.execute('PRAGMA journal_mode = WAL');
  reference = createClient({ url: `file:${file}` });
  await local.executeMultiple(`
    CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, born INTEGER, score REAL, data BLOB);
    CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parents(id), name TEXT);
  `);
});

afterEach(() => {
  local.close();
  reference.close();
  rmSync(dir, { recursive: true, force: true });
});

const plain = (rows: unknown[]) => rows.map((row) => ({ ...(row as object) }));

describe('results', () => {
  it('answers like @libsql/client: columns, types, rows by index and by name, counts and row ids', async () => {
    const insert = {
      sql: 'INSERT INTO parents (name, born, score, data) VALUES (?, ?, ?, ?)',
      args: ['Ada', 1815, 9.5, new Uint8Array([1, 2, 3])],
    };
    const mine = await local.execute(insert);
    expect(mine.rowsAffected).toBe(1);
    expect(mine.lastInsertRowid).toBe(1n);
    await reference.execute({ ...insert, args: ['Grace', 1906, null, null] });

    const query =
      'SELECT p.id, p.name, p.born, p.score, p.data, c.id, c.name FROM parents p LEFT JOIN children c ON c.parent_id = p.id ORDER BY p.id';
    const a = await local.execute(query);
    const b = await reference.execute(query);
    expect(a.columns).toEqual(b.columns);
    expect(a.columnTypes).toEqual(b.columnTypes);
    expect(a.rows.length).toBe(2);
    for (let r = 0; r < a.rows.length; r++) {
      const x = a.rows[r];
      const y = b.rows[r];
      if (!x || !y) throw new Error('missing row');
      expect(x.length).toBe(y.length);
      expect(Array.from({ length: x.length }, (_, i) => x[i])).toEqual(
        Array.from({ length: y.length }, (_, i) => y[i]),
      );
      // Duplicate column names: the first one wins, as in @libsql/client.
      expect(x.id).toBe(y.id);
      expect(x.name).toBe(y.name);
    }
    expect(a.rows[0]?.data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(a.rows[0]?.data as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(a.toJSON()).toEqual(b.toJSON());
  });

  it('answers a query ending in LIMIT ? like @libsql/client for every bound limit (1 reads a single row)', async () => {
    await local.batch(
      ['Ada', 'Grace', 'Hedy'].map((name) => ({
        sql: 'INSERT INTO parents (name) VALUES (?)',
        args: [name],
      })),
    );
    const query = 'SELECT id, name FROM parents WHERE id > ? ORDER BY id LIMIT ?';
    for (const args of [
      [0, 1],
      [1, 1],
      [3, 1],
      [0, 2],
      [0, 10],
      [0, 0],
    ]) {
      const mine = await local.execute({ sql: query, args });
      const theirs = await reference.execute({ sql: query, args });
      expect(plain(mine.rows), `args ${args.join(', ')}`).toEqual(plain(theirs.rows));
      expect(mine.rows.map((row) => row[1])).toEqual(theirs.rows.map((row) => row[1]));
    }
    // Served from the statement cache after the first call: the single-row path must not stick.
    expect((await local.execute({ sql: query, args: [0, 1] })).rows).toHaveLength(1);
    expect((await local.execute({ sql: query, args: [0, 3] })).rows).toHaveLength(3);
  });
  it('keeps a column named like an index or `length` from breaking the row', async () => {
    const rs = await local.execute('SELECT 7 AS "length", 8 AS "0", 9 AS "x"');
    const row = rs.rows[0];
    expect(row?.length).toBe(3);
    expect([row?.[0], row?.[1], row?.[2]]).toEqual([7, 8, 9]);
    expect(row?.x).toBe(9);
  });

  it('refuses integers JavaScript cannot hold and arguments SQLite cannot take', async () => {
    await expect(local.execute('SELECT 9007199254740993 AS big')).rejects.toThrow(RangeError);
    await expect(local.execute({ sql: 'SELECT ?', args: [Number.NaN] })).rejects.toThrow(RangeError);
    await expect(local.execute({ sql: 'SELECT ?', args: [2n ** 64n] })).rejects.toThrow(RangeError);
    await expect(local.execute({ sql: 'SELECT ?', args: [undefined as unknown as null] })).rejects.toThrow(
      TypeError,
    );
  });

  it('binds booleans, dates, bigints and named arguments', async () => {
    const at = new Date('2026-11-28T00:00:00Z');
    const rs = await local.execute({
      sql: 'SELECT ? AS t, ? AS f, ? AS d, ? AS b',
      args: [true, false, at, 5n],
    });
    expect({ ...rs.rows[0] }).toMatchObject({ t: 1, f: 0, d: at.valueOf(), b: 5 });
    const named = await local.execute({
      sql: 'SELECT :a AS a, $b AS b, @c AS c',
      args: { a: 1, $b: 'two', '@c': null },
    });
    expect({ ...named.rows[0] }).toMatchObject({ a: 1, b: 'two', c: null });
  });
});

describe('statement cache', () => {
  it('serves a repeated statement with fresh arguments and sees other connections’ writes', async () => {
    const select = 'SELECT name FROM parents WHERE id = ?';
    await local.execute({ sql: 'INSERT INTO parents (id, name) VALUES (?, ?)', args: [1, 'one'] });
    expect((await local.execute({ sql: select, args: [1] })).rows[0]?.name).toBe('one');
    expect((await local.execute({ sql: select, args: [2] })).rows).toHaveLength(0);
    await reference.execute({ sql: 'INSERT INTO parents (id, name) VALUES (?, ?)', args: [2, 'two'] });
    expect((await local.execute({ sql: select, args: [2] })).rows[0]?.name).toBe('two');
  });

  it('starts afresh after a schema change, so a cached SELECT * shows new columns', async () => {
    await local.execute({ sql: 'INSERT INTO parents (id, name) VALUES (1, ?)', args: ['one'] });
    const before = await local.execute('SELECT * FROM parents');
    await local.execute('ALTER TABLE parents ADD COLUMN nickname TEXT');
    const after = await local.execute('SELECT * FROM parents');
    expect(after.columns).toEqual([...before.columns, 'nickname']);
    expect(after.rows[0]?.nickname).toBeNull();
  });

  it('stays bounded and keeps answering past its size', async () => {
    const small = createLocalClient({ url: `file:${file}`, statementCacheSize: 4 });
    try {
      for (let i = 0; i < 20; i++) {
        const rs = await small.execute({ sql: `SELECT ? + ${i} AS v`, args: [1] });
        expect(rs.rows[0]?.v).toBe(1 + i);
      }
    } finally {
      small.close();
    }
  });

  it('does not hand out a statement that failed, and the connection keeps working', async () => {
    const insert = 'INSERT INTO parents (id, name) VALUES (?, ?)';
    await local.execute({ sql: insert, args: [1, 'same'] });
    const err = await local.execute({ sql: insert, args: [2, 'same'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlError);
    expect((err as LibsqlError).code).toBe('SQLITE_CONSTRAINT');
    expect((err as LibsqlError).extendedCode).toBe('SQLITE_CONSTRAINT_UNIQUE');
    await local.execute({ sql: insert, args: [2, 'other'] });
    expect((await local.execute('SELECT count(*) AS n FROM parents')).rows[0]?.n).toBe(2);
  });
});

describe('batches, migrations and transactions', () => {
  it('applies a batch entirely or not at all, naming the failed statement', async () => {
    const err = await local
      .batch([
        { sql: 'INSERT INTO parents (id, name) VALUES (1, ?)', args: ['a'] },
        { sql: 'INSERT INTO parents (id, name) VALUES (2, ?)', args: ['b'] },
        { sql: 'INSERT INTO children (parent_id, name) VALUES (99, ?)', args: ['orphan'] },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlBatchError);
    expect((err as LibsqlBatchError).statementIndex).toBe(2);
    expect((await reference.execute('SELECT count(*) AS n FROM parents')).rows[0]?.n).toBe(0);

    const ok = await local.batch([
      ['INSERT INTO parents (id, name) VALUES (1, ?)', ['a']],
      'SELECT name FROM parents',
    ]);
    expect(ok[1]?.rows[0]?.name).toBe('a');
    expect((await reference.execute('SELECT count(*) AS n FROM parents')).rows[0]?.n).toBe(1);
  });

  it('enforces foreign keys on every connection it opens, also after a reconnect', async () => {
    const orphan = { sql: 'INSERT INTO children (parent_id, name) VALUES (42, ?)', args: ['x'] };
    await expect(local.execute(orphan)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    local.reconnect();
    await expect(local.execute(orphan)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    const tx = await local.transaction('write');
    await expect(tx.execute(orphan)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    tx.close();
  });

  it('migrates with foreign keys off for the duration only', async () => {
    await local.migrate([
      { sql: 'INSERT INTO children (parent_id, name) VALUES (7, ?)', args: ['pre-parent'] },
    ]);
    expect((await local.execute('PRAGMA foreign_keys')).rows[0]?.[0]).toBe(1);
  });

  it('gives an interactive transaction its own connection: commit and rollback', async () => {
    const tx = await local.transaction('write');
    await tx.execute({ sql: 'INSERT INTO parents (id, name) VALUES (1, ?)', args: ['in tx'] });
    // Not visible outside until committed.
    expect((await local.execute('SELECT count(*) AS n FROM parents')).rows[0]?.n).toBe(0);
    await tx.commit();
    expect(tx.closed).toBe(true);
    expect((await local.execute('SELECT count(*) AS n FROM parents')).rows[0]?.n).toBe(1);
    await expect(tx.execute('SELECT 1')).rejects.toMatchObject({ code: 'TRANSACTION_CLOSED' });

    const rolled = await local.transaction('write');
    await rolled.batch([{ sql: 'INSERT INTO parents (id, name) VALUES (2, ?)', args: ['gone'] }]);
    await rolled.rollback();
    expect((await local.execute('SELECT count(*) AS n FROM parents')).rows[0]?.n).toBe(1);
  });

  it('recovers from SQLITE_BUSY: the next write commits once the lock is gone', async () => {
    const locker = await reference.transaction('write');
    await locker.execute({ sql: 'INSERT INTO parents (id, name) VALUES (1, ?)', args: ['locker'] });
    const busy = await local
      .batch([{ sql: 'INSERT INTO parents (id, name) VALUES (2, ?)', args: ['blocked'] }], 'write')
      .catch((e: unknown) => e);
    expect(busy).toMatchObject({ code: 'SQLITE_BUSY' });
    await locker.commit();
    await local.batch([{ sql: 'INSERT INTO parents (id, name) VALUES (2, ?)', args: ['after'] }], 'write');
    const names = await reference.execute('SELECT name FROM parents ORDER BY id');
    expect(names.rows.map((r) => r.name)).toEqual(['locker', 'after']);
  });

  it('refuses every call once closed', async () => {
    local.close();
    expect(local.closed).toBe(true);
    await expect(local.execute('SELECT 1')).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    await expect(local.batch(['SELECT 1'])).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });
});

describe('localPath', () => {
  it('reads every file: URL form and refuses a host', () => {
    expect(localPath('file:data/paywall.db')).toBe('data/paywall.db');
    expect(localPath('file:/srv/paywall.db')).toBe('/srv/paywall.db');
    expect(localPath('file:///srv/paywall.db')).toBe('/srv/paywall.db');
    expect(localPath('file://localhost/srv/pay%20wall.db')).toBe('/srv/pay wall.db');
    expect(localPath('/srv/paywall.db')).toBe('/srv/paywall.db');
    expect(() => localPath('file://evil.example/db')).toThrow(LibsqlError);
  });
});

it('rows spread into plain objects carry the named columns', async () => {
  await local.execute({ sql: 'INSERT INTO parents (id, name, born) VALUES (1, ?, ?)', args: ['Ada', 1815] });
  const rows = plain((await local.execute('SELECT name, born FROM parents')).rows);
  expect(rows[0]).toMatchObject({ name: 'Ada', born: 1815 });
});

it('shows only the named columns to Object.keys, as @libsql/client does (drizzle raw queries rely on it)', async () => {
  await local.execute({ sql: 'INSERT INTO parents (id, name, born) VALUES (1, ?, ?)', args: ['Ada', 1815] });
  const mine = (await local.execute('SELECT name, born FROM parents')).rows[0];
  const theirs = (await reference.execute('SELECT name, born FROM parents')).rows[0];
  expect(Object.keys(mine ?? {})).toEqual(['name', 'born']);
  expect(Object.keys(mine ?? {})).toEqual(Object.keys(theirs ?? {}));
  expect(JSON.stringify(mine)).toBe(JSON.stringify(theirs));
});
