/**
 * @module The Node door's local SQLite driver: the query and batch callbacks of drizzle's
 * `sqlite-proxy` (see src/db/local-database.ts) over libSQL's Node engine (`libsql`, the package
 * `@libsql/client` itself opens files with), keeping statements prepared between calls.
 *
 * Why not `drizzle-orm/libsql` over `@libsql/client`: that client prepares every statement again on
 * every call, which measured at ~120 µs of a ~360 µs session lookup, while running an already
 * prepared statement takes ~20 µs (docs/PERFORMANCE.md). drizzle builds a small, fixed set of SQL
 * strings, so a bounded cache keyed by the SQL text serves nearly every call. sqlite-proxy tells the
 * driver whether drizzle wants rows (`all`, `values`), one row (`get`) or none (`run`), and wants
 * rows as arrays, which is what the engine's raw mode hands out.
 *
 * One connection serves every caller: calls are synchronous underneath, so a batch (one
 * `BEGIN IMMEDIATE … COMMIT`) never interleaves with another caller's statements. Errors are
 * `LibsqlError`s with SQLite's codes, as `@libsql/client` raises them on the door's remote path.
 * Not for the Workers bundle: `libsql` is a native module.
 */
import { LibsqlError } from '@libsql/client';
import Database from 'libsql';

type Engine = InstanceType<typeof Database>;
type Statement = ReturnType<Engine['prepare']>;
export type Method = 'run' | 'all' | 'values' | 'get';
export interface Query {
  sql: string;
  params: unknown[];
  method: Method;
}
/** What sqlite-proxy reads: rows as arrays; for `get`, `rows` is the one row itself (or undefined). */
export interface Answer {
  rows: unknown[];
}

/** SQL texts kept prepared per connection. drizzle's queries in this service number ~150. */
export const STATEMENT_CACHE_SIZE = 500;

export interface LocalDriverOptions {
  /** Path of the database file, or `:memory:`. */
  path: string;
  /** Run on every connection opened (pragmas are per connection in SQLite), e.g. `PRAGMA foreign_keys = ON`. */
  pragmas?: readonly string[];
  statementCacheSize?: number;
}

/** The engine's `SqliteError` as the `LibsqlError` `@libsql/client` raises (`code` the base code). */
function databaseError(err: unknown): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  const extended = String((err as { code?: unknown }).code ?? 'SQLITE_UNKNOWN');
  // Extended codes extend their base code's name (SQLITE_CONSTRAINT_UNIQUE → SQLITE_CONSTRAINT).
  const base = extended.split('_', 2).join('_');
  return new LibsqlError(err.message, base, extended, (err as { rawCode?: number }).rawCode, err);
}

/** Each column name once, with the index of its first column (the first of a name wins). */
function firstOfEachName(columns: readonly { name: string }[]): { names: string[]; at: number[] } {
  const names: string[] = [];
  const at: number[] = [];
  columns.forEach(({ name }, i) => {
    if (!names.includes(name)) {
      names.push(name);
      at.push(i);
    }
  });
  return { names, at };
}

function isBusy(err: unknown): boolean {
  return err instanceof LibsqlError && (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED');
}

/**
 * drizzle hands over values as they are to be bound, but a raw `sql` template may carry a boolean,
 * which libsql 0.5 does not refuse: it aborts the whole process (a panic in its Rust binding).
 */
function bindable(params: unknown[]): unknown[] {
  for (const value of params) {
    if (typeof value === 'boolean') return params.map((v) => (typeof v === 'boolean' ? Number(v) : v));
  }
  return params;
}

/**
 * The prepared statements of one SQL text, one for row lists and one for single rows: libsql 0.5
 * answers `get` on a statement that last ran `all` with a stale row, or none (test/node/driver.test.ts).
 */
interface Prepared {
  rows?: Ready;
  row?: Ready;
  lastUsed: number;
}

/** A prepared statement and whether it returns rows (fixed by its SQL; asking libsql is a native call). */
interface Ready {
  statement: Statement;
  reader: boolean;
}

/** One connection at a time, with its prepared statements; sqlite-proxy's callbacks call in here. */
export class LocalDriver {
  readonly #options: Required<LocalDriverOptions>;
  readonly #cache = new Map<string, Prepared>();
  #engine: Engine | undefined;
  #clock = 0;
  #closed = false;

  constructor(options: LocalDriverOptions) {
    this.#options = { pragmas: [], statementCacheSize: STATEMENT_CACHE_SIZE, ...options };
    this.#guard(() => undefined); // open now: a bad path or pragma fails at start, not at the first request
  }

  async query(sql: string, params: unknown[], method: Method): Promise<Answer> {
    return this.querySync(sql, params, method);
  }

  /** The same, answered at once: the engine is synchronous, and a promise per layer costs every read. */
  querySync(sql: string, params: unknown[], method: Method): Answer {
    return this.#guard((engine) => this.#query(engine, sql, params, method));
  }

  /** Every statement or none: one write transaction, rolled back when any statement fails. */
  async batch(queries: readonly Query[]): Promise<Answer[]> {
    return this.#guard((engine) =>
      this.#transaction(engine, 'BEGIN IMMEDIATE', () =>
        queries.map((q) => this.#query(engine, q.sql, q.params, q.method)),
      ),
    );
  }

  /** Rows as objects keyed by column name (the first column of a name wins, as in `@libsql/client`). */
  async objects(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    return this.#guard((engine) => {
      const args = bindable(params);
      const { statement, reader } = this.#statement(engine, this.#prepared(sql), 'rows', sql);
      if (!reader) {
        statement.run(args);
        return [];
      }
      const rows = statement.all(args) as unknown[][];
      // Asked after running: a schema change since the statement was prepared shows only then.
      const { names, at } = firstOfEachName(statement.columns());
      // Every object gets its keys in the same order: one shape, whatever the number of rows.
      const objects = new Array<Record<string, unknown>>(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r] as unknown[];
        const object: Record<string, unknown> = {};
        for (let k = 0; k < names.length; k++) object[names[k] as string] = row[at[k] as number];
        objects[r] = object;
      }
      return objects;
    });
  }

  /**
   * Migration SQL in one transaction, with foreign keys off for its duration (as `@libsql/client`
   * migrates: drizzle-kit rebuilds tables, and `PRAGMA foreign_keys` is a no-op inside a transaction).
   */
  async migrate(statements: readonly string[]): Promise<void> {
    if (statements.length === 0) return;
    this.#guard((engine) => {
      engine.exec('PRAGMA foreign_keys = OFF');
      try {
        this.#transaction(engine, 'BEGIN', () => {
          for (const statement of statements) engine.exec(statement);
        });
      } finally {
        for (const pragma of this.#options.pragmas) engine.exec(pragma);
      }
    });
  }

  preparedSql(): string[] {
    return [...this.#cache.keys()];
  }

  close(): void {
    this.#closed = true;
    this.#drop();
  }

  /**
   * Runs `work` on the open connection, opening one if there is none, and raises its errors as
   * `LibsqlError`s. libsql leaves a statement that failed with SQLITE_BUSY un-reset, and its
   * connection then refuses every later COMMIT ("SQL statements in progress"): after SQLITE_BUSY
   * the connection is dropped, and the next call opens a fresh one.
   */
  #guard<T>(work: (engine: Engine) => T): T {
    try {
      if (this.#closed) throw new LibsqlError('The database is closed', 'CLIENT_CLOSED');
      this.#engine ??= this.#connect();
      return work(this.#engine);
    } catch (err) {
      const mapped = databaseError(err);
      if (isBusy(mapped)) this.#drop();
      throw mapped;
    }
  }

  #connect(): Engine {
    const engine = new Database(this.#options.path);
    try {
      for (const pragma of this.#options.pragmas) engine.exec(pragma);
    } catch (err) {
      engine.close();
      throw err;
    }
    return engine;
  }

  #drop(): void {
    this.#cache.clear();
    try {
      if (this.#engine?.open) this.#engine.close();
    } catch {
      // Nothing useful to do with a connection being let go.
    }
    this.#engine = undefined;
  }

  #transaction<T>(engine: Engine, begin: string, work: () => T): T {
    engine.exec(begin);
    try {
      const result = work();
      engine.exec('COMMIT');
      return result;
    } catch (err) {
      if (engine.inTransaction) {
        try {
          engine.exec('ROLLBACK');
        } catch {
          // The caller needs the original error; a connection that cannot roll back fails next time.
        }
      }
      throw err;
    }
  }

  /**
   * The cache entry of a SQL text. The least recently used goes when the cache is full; a hit only
   * stamps its entry (reordering a Map on every hit cost ~0.6 µs a call; the service never fills it).
   */
  #prepared(sql: string): Prepared {
    let prepared = this.#cache.get(sql);
    if (prepared === undefined) {
      if (this.#cache.size >= this.#options.statementCacheSize) {
        let oldest: [string, number] | undefined;
        for (const [text, { lastUsed }] of this.#cache) {
          if (oldest === undefined || lastUsed < oldest[1]) oldest = [text, lastUsed];
        }
        if (oldest) this.#cache.delete(oldest[0]);
      }
      prepared = { lastUsed: 0 };
      this.#cache.set(sql, prepared);
    }
    prepared.lastUsed = ++this.#clock;
    return prepared;
  }

  #statement(engine: Engine, prepared: Prepared, kind: 'rows' | 'row', sql: string): Ready {
    let ready = prepared[kind];
    if (ready === undefined) {
      const statement = engine.prepare(sql);
      const reader = statement.reader;
      if (reader) statement.raw(true);
      ready = { statement, reader };
      prepared[kind] = ready;
    }
    return ready;
  }

  #query(engine: Engine, sql: string, params: unknown[], method: Method): Answer {
    const args = bindable(params);
    const prepared = this.#prepared(sql);
    // drizzle says when it wants one row (`.get()`): the engine's single-row read, cheaper than a list.
    const single = method === 'get';
    const { statement, reader } = this.#statement(engine, prepared, single ? 'row' : 'rows', sql);
    if (!reader) {
      statement.run(args);
      return { rows: method === 'get' ? (undefined as unknown as unknown[]) : [] };
    }
    if (single) return { rows: statement.get(args) as unknown[] };
    // `run` of a statement that returns rows (`… returning`, a pragma) reads them to the end, so the
    // statement is reset and holds no read open.
    const rows = statement.all(args);
    return { rows: method === 'run' ? [] : rows };
  }
}
