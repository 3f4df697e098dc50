/**
 * @module The Node door's client for a local libSQL file: the `@libsql/client` `Client` interface
 * over libSQL's own Node engine (`libsql`, the package `@libsql/client` itself opens files with),
 * plus what that client lacks: a prepared-statement cache.
 *
 * Why: `@libsql/client` prepares every statement again on every call (and asks the engine for its
 * columns twice), which measured at ~120 µs of the ~360 µs a session lookup took, while running
 * an already prepared statement takes ~20 µs. drizzle builds a small, fixed set of SQL strings, so
 * a bounded cache keyed by the SQL text serves nearly every call from prepared statements.
 *
 * Semantics follow `@libsql/client`'s local driver: results are `ResultSet`s whose rows read by
 * index and by column name; integers outside JavaScript's safe range throw instead of rounding;
 * `batch` and `migrate` run in one transaction; errors are `LibsqlError`s with SQLite's codes.
 * One connection serves every call (calls are synchronous underneath, so they never interleave);
 * an interactive `transaction()` gets a connection of its own, as in `@libsql/client`.
 *
 * Not for the Workers bundle: `libsql` is a native module. Remote URLs (Turso, sqld) keep
 * `@libsql/client`.
 */
import {
  type Client,
  type InArgs,
  type InStatement,
  type InValue,
  LibsqlBatchError,
  LibsqlError,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
  type Value,
} from '@libsql/client';
import Database from 'libsql';

type Connection = InstanceType<typeof Database>;
type NativeStatement = ReturnType<Connection['prepare']>;

/** Statements kept prepared per connection. drizzle's queries in this service number ~150. */
export const STATEMENT_CACHE_SIZE = 500;

export interface LocalClientOptions {
  /** `file:` URL or plain path of the database file (`:memory:` for an in-memory database). */
  url: string;
  /** Pragmas run on every connection this client opens (they are per connection in SQLite). */
  connectionPragmas?: readonly string[];
  statementCacheSize?: number;
}

/** `file:relative.db`, `file:/abs.db`, `file:///abs.db`, `file://localhost/abs.db`, or a plain path. */
export function localPath(url: string): string {
  if (!url.startsWith('file:')) return url;
  const rest = url.slice('file:'.length);
  if (!rest.startsWith('//')) return rest.split('?')[0] ?? rest;
  const parsed = new URL(url);
  if (parsed.host !== '' && parsed.host !== 'localhost') {
    throw new LibsqlError(`A file: URL cannot name a host (${parsed.host}).`, 'URL_INVALID');
  }
  return decodeURIComponent(parsed.pathname);
}

const BASE_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  24: 'SQLITE_FORMAT',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
  27: 'SQLITE_NOTICE',
  28: 'SQLITE_WARNING',
};

/** The engine's `SqliteError` as the `LibsqlError` callers of `@libsql/client` expect. */
function toLibsqlError(err: unknown): unknown {
  if (err instanceof Database.SqliteError) {
    const raw = (err as { rawCode?: number }).rawCode;
    const code =
      raw === undefined ? 'SQLITE_UNKNOWN' : (BASE_CODES[raw & 0xff] ?? `SQLITE_UNKNOWN_${raw & 0xff}`);
    return new LibsqlError(err.message, code, err.code, raw, err);
  }
  return err;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_I64 = -9223372036854775808n;
const MAX_I64 = 9223372036854775807n;

function valueFromSql(value: unknown): Value {
  if (typeof value === 'bigint') {
    if (value < MIN_SAFE || value > MAX_SAFE) {
      throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    }
    return Number(value);
  }
  if (value instanceof Uint8Array) {
    return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  }
  return value as Value;
}

function valueToSql(value: InValue): unknown {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) {
        throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
      }
      return value;
    case 'bigint':
      if (value < MIN_I64 || value > MAX_I64) {
        throw new RangeError(
          'bigint is too large to be represented as a 64-bit integer and passed as argument',
        );
      }
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'undefined':
      throw new TypeError('undefined cannot be passed as argument to the database');
    default:
      if (value instanceof ArrayBuffer) return Buffer.from(value);
      if (value instanceof Date) return value.valueOf();
      return value;
  }
}

function argsToSql(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args.map(valueToSql);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    const bare = name[0] === '@' || name[0] === '$' || name[0] === ':' ? name.slice(1) : name;
    named[bare] = valueToSql(value);
  }
  return named;
}

const VALUES = Symbol('values');
type RowObject = Row & { [VALUES]: Value[] };

/**
 * Rows read by index (`row[0]`, `row.length`: what drizzle's column mapping reads) and by name
 * (own enumerable properties, and only those: what `Object.keys` and drizzle's raw `db.all` see),
 * exactly like `@libsql/client`'s rows. The index side lives on one prototype per statement, so
 * building a row is a few plain assignments instead of a `defineProperty` per value (~3x faster).
 */
function rowPrototype(columnCount: number): object {
  const proto: PropertyDescriptorMap = { length: { value: columnCount, enumerable: false } };
  for (let i = 0; i < columnCount; i++) {
    proto[i] = {
      enumerable: false,
      get(this: RowObject) {
        return this[VALUES][i];
      },
    };
  }
  return Object.create(Object.prototype, proto) as object;
}

/** Column names that become properties: the first of each name; none that would shadow an index or `length`. */
function namedColumns(columns: string[]): Array<[number, string]> {
  const named: Array<[number, string]> = [];
  const seen = new Set<string>();
  columns.forEach((name, i) => {
    const shadows = name === 'length' || (/^(0|[1-9]\d*)$/.test(name) && Number(name) < columns.length);
    if (shadows || seen.has(name)) return;
    seen.add(name);
    named.push([i, name]);
  });
  return named;
}

interface Prepared {
  statement: NativeStatement;
  reader: boolean;
  columns: string[];
  columnTypes: string[];
  named: Array<[number, string]>;
  proto: object;
  /** Ends in `LIMIT ?`: bound to 1, at most one row comes back, which the engine's `get` reads cheaper. */
  limited: boolean;
  /**
   * A second statement for that single-row read, used only with `get`: `libsql` 0.5 answers `get`
   * with no row after an `all` on the same statement came back empty (test/node/local-client.test.ts).
   */
  single?: NativeStatement;
}

const ENDS_IN_LIMIT = /\slimit\s+\?\s*$/i;

function resultSet(
  columns: string[],
  columnTypes: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON() {
      return {
        columns,
        columnTypes,
        rows: rows.map((row) =>
          Array.prototype.map.call(row, (v: Value) =>
            typeof v === 'bigint'
              ? String(v)
              : v instanceof ArrayBuffer
                ? Buffer.from(v).toString('base64')
                : v,
          ),
        ),
        rowsAffected,
        lastInsertRowid: lastInsertRowid === undefined ? null : String(lastInsertRowid),
      };
    },
  };
}

const SCHEMA_CHANGE = /^\s*(create|alter|drop)\b|;\s*(create|alter|drop)\b/i;

/** One open connection and its prepared statements. */
class CachedConnection {
  readonly db: Connection;
  readonly #cache = new Map<string, Prepared>();
  readonly #cacheSize: number;

  constructor(path: string, pragmas: readonly string[], cacheSize: number) {
    try {
      this.db = new Database(path);
      for (const pragma of pragmas) this.db.exec(pragma);
    } catch (err) {
      throw toLibsqlError(err);
    }
    this.#cacheSize = cacheSize;
  }

  /**
   * A native statement set up as every call here reads it: integers as BigInt (range-checked on the
   * way out), rows as arrays.
   */
  #native(sql: string): NativeStatement {
    const statement = this.db.prepare(sql);
    statement.safeIntegers(true);
    if (statement.reader) statement.raw(true);
    return statement;
  }

  #prepare(sql: string): Prepared {
    const hit = this.#cache.get(sql);
    if (hit) return hit;
    const statement = this.#native(sql);
    const reader = statement.reader;
    let columns: string[] = [];
    let columnTypes: string[] = [];
    if (reader) {
      const defs = statement.columns();
      columns = defs.map((d) => d.name);
      columnTypes = defs.map((d) => d.type ?? '');
    }
    const prepared: Prepared = {
      statement,
      reader,
      columns,
      columnTypes,
      named: namedColumns(columns),
      proto: rowPrototype(columns.length),
      limited: reader && ENDS_IN_LIMIT.test(sql),
    };
    if (this.#cache.size >= this.#cacheSize) {
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) this.#cache.delete(oldest.value);
    }
    this.#cache.set(sql, prepared);
    return prepared;
  }

  execute(stmt: InStatement): ResultSet {
    const sql = typeof stmt === 'string' ? stmt : stmt.sql;
    const args = typeof stmt === 'string' ? [] : argsToSql(stmt.args);
    let prepared: Prepared | undefined;
    try {
      prepared = this.#prepare(sql);
      const { statement, columns, columnTypes, named, proto } = prepared;
      if (!prepared.reader) {
        const info = statement.run(args);
        // A schema change can change what a cached `SELECT *` returns: start the cache afresh.
        if (SCHEMA_CHANGE.test(sql)) this.#cache.clear();
        return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
      }
      let raw: unknown[][];
      if (prepared.limited && Array.isArray(args) && args[args.length - 1] === 1) {
        prepared.single ??= this.#native(sql);
        const one = prepared.single.get(args) as unknown[] | undefined;
        raw = one === undefined ? [] : [one];
      } else {
        raw = statement.all(args) as unknown[][];
      }
      const rows: Row[] = new Array(raw.length);
      for (let r = 0; r < raw.length; r++) {
        const source = raw[r] as unknown[];
        const values: Value[] = new Array(source.length);
        for (let i = 0; i < source.length; i++) values[i] = valueFromSql(source[i]);
        const row = Object.create(proto) as RowObject;
        Object.defineProperty(row, VALUES, { value: values });
        for (const [i, name] of named) row[name] = values[i] as Value;
        rows[r] = row;
      }
      return resultSet(columns, columnTypes, rows, 0, undefined);
    } catch (err) {
      // A statement that failed part-way may not have been reset: never hand it out again.
      this.#cache.delete(sql);
      throw toLibsqlError(err);
    }
  }

  /** Runs SQL text of any number of statements, unprepared; the statement cache starts afresh. */
  exec(sql: string): void {
    try {
      this.db.exec(sql);
    } catch (err) {
      throw toLibsqlError(err);
    } finally {
      if (SCHEMA_CHANGE.test(sql)) this.#cache.clear();
    }
  }

  get inTransaction(): boolean {
    return this.db.open && this.db.inTransaction;
  }

  close(): void {
    this.#cache.clear();
    try {
      if (this.db.open) this.db.close();
    } catch {
      // Nothing useful to do while tearing down.
    }
  }
}

function beginFor(mode: TransactionMode): string {
  if (mode === 'write') return 'BEGIN IMMEDIATE';
  if (mode === 'read') return 'BEGIN TRANSACTION READONLY';
  return 'BEGIN DEFERRED';
}

function normalize(stmt: InStatement | [string, InArgs?]): InStatement {
  return Array.isArray(stmt) ? { sql: stmt[0], args: stmt[1] ?? [] } : stmt;
}

/** Ends a transaction a failed call left open; the original error is what the caller needs to see. */
function rollbackOpen(conn: CachedConnection): void {
  if (!conn.inTransaction) return;
  try {
    conn.exec('ROLLBACK');
  } catch {
    // The connection is unusable; the next busy error or call will surface it.
  }
}

function isBusy(err: unknown): boolean {
  return err instanceof LibsqlError && (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED');
}

/** Runs statements one after another inside an open transaction; a failure names its index. */
function runAll(conn: CachedConnection, stmts: InStatement[]): ResultSet[] {
  const results: ResultSet[] = [];
  for (let i = 0; i < stmts.length; i++) {
    if (!conn.inTransaction)
      throw new LibsqlBatchError('The transaction has been rolled back', i, 'TRANSACTION_CLOSED');
    try {
      results.push(conn.execute(stmts[i] as InStatement));
    } catch (err) {
      if (err instanceof LibsqlError && !(err instanceof LibsqlBatchError)) {
        throw new LibsqlBatchError(err.message, i, err.code, err.extendedCode, err.rawCode, err);
      }
      throw err;
    }
  }
  return results;
}

class LocalTransaction implements Transaction {
  #conn: CachedConnection | null;

  constructor(conn: CachedConnection) {
    this.#conn = conn;
  }

  #open(): CachedConnection {
    const conn = this.#conn;
    if (conn === null || !conn.inTransaction)
      throw new LibsqlError('The transaction is closed', 'TRANSACTION_CLOSED');
    return conn;
  }

  #settle(): void {
    this.#conn?.close();
    this.#conn = null;
  }

  async execute(stmt: InStatement): Promise<ResultSet> {
    return this.#open().execute(stmt);
  }

  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    return runAll(this.#open(), stmts);
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#open().exec(sql);
  }

  async commit(): Promise<void> {
    try {
      this.#open().exec('COMMIT');
    } finally {
      this.#settle();
    }
  }

  async rollback(): Promise<void> {
    this.close();
  }

  /** Rolls back whatever is still open and lets the connection go. */
  close(): void {
    try {
      if (this.#conn?.inTransaction) this.#conn.exec('ROLLBACK');
    } finally {
      this.#settle();
    }
  }

  get closed(): boolean {
    return this.#conn === null || !this.#conn.inTransaction;
  }
}

/** A `Client` for a local libSQL database file, with prepared statements kept between calls. */
export class LocalClient implements Client {
  readonly protocol = 'file';
  closed = false;
  readonly #path: string;
  readonly #pragmas: readonly string[];
  readonly #cacheSize: number;
  #conn: CachedConnection;

  constructor(options: LocalClientOptions) {
    this.#path = localPath(options.url);
    this.#pragmas = options.connectionPragmas ?? [];
    this.#cacheSize = options.statementCacheSize ?? STATEMENT_CACHE_SIZE;
    this.#conn = this.#connect();
  }

  #connect(): CachedConnection {
    return new CachedConnection(this.#path, this.#pragmas, this.#cacheSize);
  }

  #live(): CachedConnection {
    if (this.closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
    return this.#conn;
  }

  /**
   * libsql leaves a statement that failed with SQLITE_BUSY un-reset, and its connection then
   * refuses every later COMMIT ("SQL statements in progress"). A fresh connection drops it.
   */
  #guard<T>(run: (conn: CachedConnection) => T): T {
    const conn = this.#live();
    try {
      return run(conn);
    } catch (err) {
      if (isBusy(err)) this.reconnect();
      throw err;
    }
  }

  async execute(stmtOrSql: InStatement, args?: InArgs): Promise<ResultSet> {
    const stmt = typeof stmtOrSql === 'string' ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
    return this.#guard((conn) => conn.execute(stmt));
  }

  async batch(
    stmts: Array<InStatement | [string, InArgs?]>,
    mode: TransactionMode = 'deferred',
  ): Promise<ResultSet[]> {
    return this.#guard((conn) => {
      conn.exec(beginFor(mode));
      try {
        const results = runAll(conn, stmts.map(normalize));
        conn.exec('COMMIT');
        return results;
      } finally {
        rollbackOpen(conn);
      }
    });
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.#guard((conn) => {
      conn.exec('PRAGMA foreign_keys=off');
      try {
        conn.exec('BEGIN DEFERRED');
        const results = runAll(conn, stmts);
        conn.exec('COMMIT');
        return results;
      } finally {
        rollbackOpen(conn);
        conn.exec('PRAGMA foreign_keys=on');
      }
    });
  }

  async transaction(mode: TransactionMode = 'write'): Promise<Transaction> {
    this.#live();
    if (this.#path === ':memory:' || this.#path.includes('mode=memory')) {
      throw new LibsqlError(
        'Interactive transactions need a second connection, which an in-memory database cannot have; use batch().',
        'TRANSACTION_NOT_SUPPORTED',
      );
    }
    const conn = this.#connect();
    try {
      conn.exec(beginFor(mode));
    } catch (err) {
      conn.close();
      throw err;
    }
    return new LocalTransaction(conn);
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#guard((conn) => {
      try {
        conn.exec(sql);
      } finally {
        rollbackOpen(conn);
      }
    });
  }

  async sync(): Promise<undefined> {
    return undefined;
  }

  reconnect(): void {
    this.#conn.close();
    this.#conn = this.#connect();
    this.closed = false;
  }

  close(): void {
    this.closed = true;
    this.#conn.close();
  }
}

export function createLocalClient(options: LocalClientOptions): LocalClient {
  return new LocalClient(options);
}
