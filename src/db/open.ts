/**
 * @module The Node door's database: a local libSQL file (WAL, the statement-caching client) or a
 * remote libSQL/Turso URL, with pending migrations applied before the service listens.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Config } from '../app/config';
import { libsqlDb } from './client';
import { createLocalClient, localPath } from './local-client';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
export const DEFAULT_DATABASE_URL = 'file:data/paywall.db';

export async function openDatabase(config: Config) {
  const url = config.database.url ?? DEFAULT_DATABASE_URL;
  const isFile = url.startsWith('file:');
  if (isFile) {
    const file = localPath(url);
    if (file && !file.startsWith(':')) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }
  // A local file gets the statement-caching client (src/db/local-client.ts); remote URLs (Turso,
  // sqld) @libsql/client. No busy timeout: libsql waits synchronously, which would stall every
  // request of the process.
  // synchronous is per connection; in WAL mode NORMAL keeps the database consistent through any
  // crash and loses at most the last commits on power loss (docs/DEPLOY.md), at a tenth the cost.
  const client: Client = isFile
    ? createLocalClient({
        url,
        connectionPragmas: [
          'PRAGMA journal_mode = WAL',
          'PRAGMA foreign_keys = ON',
          `PRAGMA synchronous = ${config.database.synchronous}`,
        ],
      })
    : createClient({ url, authToken: config.database.authToken });
  if (!isFile) await client.execute('PRAGMA foreign_keys = ON');
  await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
  return { client, db: libsqlDb(client) };
}
