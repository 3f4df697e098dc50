/**
 * @module The Node door's local database file as drizzle sees it: drizzle's own `sqlite-proxy`
 * database and migrator, over the statement-caching driver in src/db/driver.ts.
 */
import {
  createTableRelationsHelpers,
  DrizzleQueryError,
  type ExtractTablesWithRelations,
  extractTablesRelationalConfig,
  fillPlaceholders,
  type RelationalSchemaConfig,
  type SQL,
} from 'drizzle-orm';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import {
  type AsyncRemoteCallback,
  RemotePreparedQuery,
  SQLiteRemoteSession,
  SqliteRemoteDatabase,
} from 'drizzle-orm/sqlite-proxy';
import { migrate } from 'drizzle-orm/sqlite-proxy/migrator';
import { type Db, type Schema, schema } from './client';
import { LocalDriver, type LocalDriverOptions } from './driver';
import { compileRowMapper, type RowMapper, type SelectedField } from './row-mapper';

export interface LocalDatabase {
  readonly db: Db;
  /** Applies the pending migrations of a drizzle-kit folder, recorded in `__drizzle_migrations`. */
  migrate(migrationsFolder: string): Promise<void>;
  /** The SQL texts the connection holds prepared (at most `statementCacheSize`), for tests and diagnostics. */
  preparedSql(): string[];
  close(): void;
}

type Tables = ExtractTablesWithRelations<Schema>;

/**
 * sqlite-proxy's prepared query with its row mapping compiled once (src/db/row-mapper.ts), on the
 * first rows it maps: drizzle sets `joinsNotNullableMap` only after preparing. Reads go straight to
 * the driver's synchronous call and answer one settled promise: sqlite-proxy's way passes through
 * four async layers (its query cache and query logger, neither of which this database has), each a
 * promise and a turn of the microtask queue. Errors are wrapped as drizzle wraps them
 * (`DrizzleQueryError`, the driver's error its `cause`).
 */
class MappedPreparedQuery extends RemotePreparedQuery {
  #mapper: RowMapper | undefined;
  #mappings = 0;
  declare joinsNotNullableMap?: Record<string, boolean>;
  /** Set by LocalSession right after construction (the constructor is sqlite-proxy's). */
  driver!: LocalDriver;

  /** Runs the query at once; a failure is raised as drizzle raises it. */
  #read(placeholderValues: Record<string, unknown> | undefined, method: 'all' | 'get' | 'values') {
    // Private in drizzle's types, set by RemotePreparedQuery's constructor.
    const { query } = this as unknown as { query: { sql: string; params: unknown[] } };
    const params = fillPlaceholders(query.params, placeholderValues ?? {});
    try {
      return this.driver.querySync(query.sql, params, method).rows;
    } catch (err) {
      throw new DrizzleQueryError(query.sql, params, err as Error);
    }
  }

  // Not `async`: one settled promise per read, where an async method over an async driver made three.
  override all(placeholderValues?: Record<string, unknown>): Promise<unknown[]> {
    return settle(() => this.mapAllResult(this.#read(placeholderValues, 'all')) as unknown[]);
  }

  override get(placeholderValues?: Record<string, unknown>): Promise<unknown> {
    return settle(() => this.mapGetResult(this.#read(placeholderValues, 'get')));
  }

  override values<T extends unknown[] = unknown[]>(
    placeholderValues?: Record<string, unknown>,
  ): Promise<T[]> {
    return settle(() => this.#read(placeholderValues, 'values') as T[]);
  }

  /**
   * The compiled mapper, from the second mapping on (or a first one of many rows). A query built
   * for one call (a write's `returning`, a one-off read) maps its few rows once, and generating code
   * for that cost more than drizzle's own mapping: on the webhook path, a tenth of the database time.
   */
  #mapperOf(rows: number): RowMapper | undefined {
    const self = this as unknown as { fields?: SelectedField[]; customResultMapper?: unknown };
    if (!self.fields || self.customResultMapper) return undefined;
    if (this.#mapper === undefined) {
      if (this.#mappings++ === 0 && rows <= ONE_OFF_ROWS) return undefined;
      this.#mapper = compileRowMapper(self.fields, this.joinsNotNullableMap);
    }
    return this.#mapper;
  }

  override mapAllResult(rows: unknown, isFromBatch?: boolean): unknown {
    const list = (isFromBatch ? (rows as { rows: unknown[][] }).rows : rows) as unknown[][];
    const mapper = this.#mapperOf(list.length);
    if (!mapper) return super.mapAllResult(rows, isFromBatch);
    return list.map(mapper);
  }

  override mapGetResult(rows: unknown, isFromBatch?: boolean): unknown {
    const mapper = this.#mapperOf(1);
    if (!mapper) return super.mapGetResult(rows, isFromBatch);
    const row = (isFromBatch ? (rows as { rows: unknown }).rows : rows) as unknown[] | undefined;
    return row ? mapper(row) : undefined;
  }
}

/** Rows a query's first mapping may have and still go through drizzle's own mapping. */
const ONE_OFF_ROWS = 16;

/** `work()` as a settled promise: its value, or its error as a rejection (never a synchronous throw). */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * drizzle's sqlite-proxy session with three differences: prepared queries map rows through a
 * mapper compiled once (above). Raw `db.all`/`db.get` answer objects keyed by
 * column name, as drizzle's D1 and libSQL drivers do and callers of `Db` expect (sqlite-proxy would
 * pass the driver's array rows through). And no interactive transactions: they would interleave
 * with other callers on the one connection, and D1 has none either.
 */
class LocalSession extends SQLiteRemoteSession<Schema, Tables> {
  readonly #driver: LocalDriver;
  readonly #dialect: SQLiteAsyncDialect;

  readonly #client: AsyncRemoteCallback;

  constructor(driver: LocalDriver, dialect: SQLiteAsyncDialect, relations: RelationalSchemaConfig<Tables>) {
    const client: AsyncRemoteCallback = (sql, params, method) => driver.query(sql, params, method);
    super(client, dialect, relations, (queries) => driver.batch(queries));
    this.#client = client;
    this.#driver = driver;
    this.#dialect = dialect;
  }

  override prepareQuery(
    ...[
      query,
      fields,
      executeMethod,
      isResponseInArrayMode,
      customResultMapper,
      queryMetadata,
      cacheConfig,
    ]: Parameters<SQLiteRemoteSession<Schema, Tables>['prepareQuery']>
  ) {
    // sqlite-proxy's own prepareQuery, with the subclass (its logger and cache are private in the types).
    type Args = ConstructorParameters<typeof RemotePreparedQuery>;
    const own = this as unknown as { logger: Args[2]; cache: Args[3] };
    const prepared = new MappedPreparedQuery(
      this.#client,
      query,
      own.logger,
      own.cache,
      queryMetadata,
      cacheConfig,
      fields,
      executeMethod,
      isResponseInArrayMode,
      customResultMapper,
    );
    prepared.driver = this.#driver;
    return prepared;
  }

  override async all<T = unknown>(query: SQL): Promise<T[]> {
    const { sql, params } = this.#dialect.sqlToQuery(query);
    return (await this.#driver.objects(sql, params)) as T[];
  }

  override async get<T = unknown>(query: SQL): Promise<T> {
    return (await this.all<T>(query))[0] as T;
  }

  override async transaction<T>(): Promise<T> {
    throw new Error('Interactive transactions are not supported: write atomically with db.batch([...]).');
  }
}

/**
 * Opens (creating if need be) a local database file for the service's schema.
 *
 * @example
 * ```ts
 * const local = openLocalDatabase({ path: 'data/paywall.db', pragmas: ['PRAGMA journal_mode = WAL'] });
 * await local.migrate('migrations');
 * const readers = await local.db.select().from(schema.readers).limit(10);
 * ```
 */
export function openLocalDatabase(options: LocalDriverOptions): LocalDatabase {
  const driver = new LocalDriver(options);
  const dialect = new SQLiteAsyncDialect();
  const tables = extractTablesRelationalConfig<Tables>(schema, createTableRelationsHelpers);
  const relations = { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
  const session = new LocalSession(driver, dialect, relations);
  const db = new SqliteRemoteDatabase<Schema>('async', dialect, session, relations);
  return {
    db,
    migrate: (migrationsFolder) =>
      migrate(db, (statements) => driver.migrate(statements), { migrationsFolder }),
    preparedSql: () => driver.preparedSql(),
    close: () => driver.close(),
  };
}
