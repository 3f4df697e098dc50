/**
 * @module The period ledger's databases (docs/LEDGER.md): one per month and shard, made on first
 * use, each holding the counted reads of one month only (the statement's leaves, compact: a
 * publisher number, the pairwise subject, the article id and the day as a number), and the
 * archive store that closed months are written to.
 */
import { type SQL, sql } from 'drizzle-orm';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';

/** A ledger database as the ledger uses it: queries, and writes applied together in one transaction. */
export interface LedgerDb {
  all<T>(query: SQL): Promise<T[]>;
  run(query: SQL): Promise<void>;
  batch(queries: SQL[]): Promise<void>;
}

const dialect = new SQLiteAsyncDialect();

/** SQL text and its parameters, as each driver takes them. */
export function toQuery(query: SQL): { sql: string; params: unknown[] } {
  return dialect.sqlToQuery(query);
}

/**
 * The ledger's tables. `ledger_reads` is keyed in tree order (publisher, subject, article, day) and
 * has no other index; `ledger_meta` names the one month a database holds, so a ring slot is never
 * written for a second month before the first was archived and released.
 */
export const LEDGER_DDL = [
  `CREATE TABLE IF NOT EXISTS ledger_publishers (no INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE)`,
  `CREATE TABLE IF NOT EXISTS ledger_reads (publisher_no INTEGER NOT NULL, subject TEXT NOT NULL,
    article_id TEXT NOT NULL, day INTEGER NOT NULL,
    PRIMARY KEY (publisher_no, subject, article_id, day)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS ledger_meta (id INTEGER PRIMARY KEY CHECK (id = 1), month TEXT NOT NULL)`,
];

/** Where closed months go: R2 on Workers, a directory on Node. */
export interface ArchiveStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
}

export interface Ledger {
  readonly shards: number;
  /** Days a read stays in the service database's `reads` after its day was sealed. */
  readonly hotDays: number;
  /** Pages one scheduled run may seal. */
  readonly sealPages: number;
  readonly archive: ArchiveStore;
  /** The database of a month's shard, its tables made and its month claimed on first use. */
  open(month: string, shard: number): Promise<LedgerDb>;
  /** Frees a month's shard after it was archived: its rows deleted, or its file removed. */
  release(month: string, shard: number): Promise<void>;
}

/** A ring slot still holds an earlier month that was not archived yet: nothing is written over it. */
export class LedgerSlotBusy extends Error {
  constructor(
    readonly slot: string,
    readonly holds: string,
    readonly wanted: string,
  ) {
    super(`ledger database ${slot} still holds ${holds}; ${wanted} cannot be written until it is archived`);
  }
}

/** Claims checked in this process or isolate: re-checked after a minute, as another may have released the slot. */
const claims = new Map<string, number>();
const CLAIM_TTL_MS = 60_000;

/** Makes the tables and claims the database for `month`, or throws LedgerSlotBusy. */
export async function claimLedgerDb(db: LedgerDb, slot: string, month: string): Promise<LedgerDb> {
  const key = `${slot} ${month}`;
  if ((claims.get(key) ?? 0) > Date.now()) return db;
  await db.batch(LEDGER_DDL.map((ddl) => sql.raw(ddl)));
  await db.run(sql`insert or ignore into ledger_meta (id, month) values (1, ${month})`);
  const [meta] = await db.all<{ month: string }>(sql`select month from ledger_meta where id = 1`);
  if (meta?.month !== month) throw new LedgerSlotBusy(slot, meta?.month ?? '?', month);
  claims.set(key, Date.now() + CLAIM_TTL_MS);
  return db;
}

/** Forgets the claims of a slot (it was just released). */
export function forgetClaims(slot: string): void {
  for (const key of claims.keys()) if (key.startsWith(`${slot} `)) claims.delete(key);
}

const EMPTY_PAGE = 5_000;

/**
 * Deletes a released month's rows in bounded statements, then its claim. A database that holds
 * another month (a ring slot this month never used) is left alone: its rows are that month's.
 */
export async function emptyLedgerDb(db: LedgerDb, slot: string, month: string): Promise<void> {
  forgetClaims(slot);
  await db.batch(LEDGER_DDL.map((ddl) => sql.raw(ddl)));
  // Every delete is conditional: a later month that claims the slot meanwhile keeps its rows.
  const ours = sql`not exists (select 1 from ledger_meta where month <> ${month})`;
  for (;;) {
    const [row] = await db.all<{ found: number }>(
      sql`select exists (select 1 from ledger_reads where ${ours}) as found`,
    );
    if (!row || Number(row.found) === 0) break;
    await db.run(sql`delete from ledger_reads where ${ours} and (publisher_no, subject, article_id, day) in
      (select publisher_no, subject, article_id, day from ledger_reads limit ${EMPTY_PAGE})`);
  }
  await db.batch([
    sql`delete from ledger_publishers where ${ours}`,
    sql`delete from ledger_meta where month = ${month}`,
  ]);
}
