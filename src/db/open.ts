/**
 * @module The Node door's database: a local libSQL file (WAL, drizzle's sqlite-proxy over the
 * statement-caching driver) or a remote libSQL/Turso URL, with pending migrations applied before
 * the service listens.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Config } from '../app/config';
import { type Db, libsqlDb } from './client';
import { openLocalDatabase } from './local-database';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
export const DEFAULT_DATABASE_URL = 'file:data/paywall.db';

/** `file:relative.db`, `file:/abs.db`, `file:///abs.db`, `file://localhost/abs.db`, or a plain path. */
export function localPath(url: string): string {
  if (!url.startsWith('file:')) return url;
  const rest = url.slice('file:'.length);
  if (!rest.startsWith('//')) return rest.split('?')[0] ?? rest;
  const parsed = new URL(url);
  if (parsed.host !== '' && parsed.host !== 'localhost') {
    throw new Error(`A file: URL cannot name a host (${parsed.host}).`);
  }
  return decodeURIComponent(parsed.pathname);
}

export async function openDatabase(config: Config): Promise<{ db: Db; close(): void }> {
  const url = config.database.url ?? DEFAULT_DATABASE_URL;
  if (url.startsWith('file:')) {
    const file = localPath(url);
    if (!file.startsWith(':')) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // No busy timeout: libsql waits synchronously, which would stall every request of the process.
    // synchronous is per connection; in WAL mode NORMAL keeps the database consistent through any
    // crash and loses at most the last commits on power loss (docs/DEPLOY.md), at a tenth the cost.
    const local = openLocalDatabase({
      path: file,
      pragmas: [
        'PRAGMA journal_mode = WAL',
        'PRAGMA foreign_keys = ON',
        `PRAGMA synchronous = ${config.database.synchronous}`,
      ],
    });
    try {
      await local.migrate(MIGRATIONS_DIR);
    } catch (err) {
      local.close();
      throw err;
    }
    return { db: local.db, close: () => local.close() };
  }
  // Remote URLs (Turso, sqld): @libsql/client.
  const client = createClient({ url, authToken: config.database.authToken });
  await client.execute('PRAGMA foreign_keys = ON');
  await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
  return { db: libsqlDb(client), close: () => client.close() };
}
