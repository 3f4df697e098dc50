/**
 * @module Database client factories: D1 on Workers, libSQL (file, memory, Turso) anywhere.
 *
 * Both drizzle drivers share the async SQLite query builder and `batch`; `Db` is that common
 * surface, so services never know which store they run on.
 */
import type { Client } from '@libsql/client';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import { drizzle as drizzleD1 } from 'drizzle-orm/d1';
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { oncePer } from '../lib/once-per';
import * as schema from './schema';

export type Schema = typeof schema;

export type Db = BaseSQLiteDatabase<'async', unknown, Schema> & {
  batch<U extends BatchItem<'sqlite'>, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>>;
};

export function d1Db(binding: D1Database): Db {
  return drizzleD1(binding, { schema }) as unknown as Db;
}

export function libsqlDb(client: Client): Db {
  return drizzleLibsql(client, { schema }) as unknown as Db;
}

export { schema };

/**
 * A query built once per database and reused: building a drizzle query (selection, joins, SQL text)
 * costs more CPU than running an indexed read, so hot paths prepare theirs with placeholders.
 */
export function preparedPerDatabase<Q>(build: (db: Db) => Q): (db: Db) => Q {
  return oncePer(build);
}
