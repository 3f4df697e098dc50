/**
 * @module The ledger on Node: a database per month and shard named by `LEDGER_DATABASE_URL` (a
 * template with `{month}` and `{shard}`: libSQL files, or Turso databases made beforehand), and
 * closed months archived to `LEDGER_ARCHIVE_DIR`. Without the template there is no ledger.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Client, createClient, type InArgs } from '@libsql/client';
import type { SQL } from 'drizzle-orm';
import { LocalDriver } from '../../db/driver';
import { localPath } from '../../db/open';
import {
  type ArchiveStore,
  claimLedgerDb,
  emptyLedgerDb,
  forgetClaims,
  type Ledger,
  type LedgerDb,
  toQuery,
} from './ledger';
import { ledgerUrl, templateProblem } from './partition';
import { ledgerSettings } from './settings';

export function directoryArchive(dir: string): ArchiveStore {
  const file = (key: string) => {
    if (key.split('/').some((part) => part === '..' || part === ''))
      throw new Error(`bad archive key ${key}`);
    return path.join(dir, key);
  };
  return {
    async put(key, bytes) {
      await mkdir(path.dirname(file(key)), { recursive: true });
      // Written whole, then renamed: a reader never sees half an object.
      await writeFile(`${file(key)}.part`, bytes);
      await rename(`${file(key)}.part`, file(key));
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(file(key)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
  };
}

/** A ledger file through the service's own statement-caching driver (src/db/driver.ts). */
function fileLedger(driver: LocalDriver): LedgerDb {
  return {
    async all<T>(query: SQL) {
      const { sql, params } = toQuery(query);
      return (await driver.objects(sql, params)) as T[];
    },
    async run(query) {
      const { sql, params } = toQuery(query);
      await driver.query(sql, params, 'run');
    },
    async batch(queries) {
      await driver.batch(queries.map((q) => ({ ...toQuery(q), method: 'run' as const })));
    },
  };
}

/** A remote ledger database (Turso, sqld) through `@libsql/client`. */
export function libsqlLedger(client: Client): LedgerDb {
  const statement = (query: SQL) => {
    const { sql, params } = toQuery(query);
    return { sql, args: params as InArgs };
  };
  return {
    async all<T>(query: SQL) {
      return (await client.execute(statement(query))).rows as unknown as T[];
    },
    async run(query) {
      await client.execute(statement(query));
    },
    async batch(queries) {
      if (queries.length > 0) await client.batch(queries.map(statement), 'write');
    },
  };
}

/** A database's name in claims and messages: its URL without the query (which may hold a token). */
const slotOf = (url: string) => url.replace(/\?.*$/, '');

export function nodeLedger(env: Record<string, string | undefined>): Ledger | undefined {
  const template = env.LEDGER_DATABASE_URL;
  if (!template) return undefined;
  const { shards, hotDays, sealPages } = ledgerSettings(env);
  const problem = templateProblem(template, shards);
  if (problem) throw new Error(`LEDGER_DATABASE_URL ${problem}`);
  const clients = new Map<string, { close(): void; db: LedgerDb }>();
  const connect = async (url: string) => {
    let open = clients.get(url);
    if (!open) {
      if (url.startsWith('file:')) {
        const file = localPath(url);
        await mkdir(path.dirname(path.resolve(file)), { recursive: true });
        const driver = new LocalDriver({
          path: file,
          pragmas: ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL'],
        });
        open = { close: () => driver.close(), db: fileLedger(driver) };
      } else {
        const client = createClient({ url, authToken: env.LEDGER_AUTH_TOKEN });
        open = { close: () => client.close(), db: libsqlLedger(client) };
      }
      clients.set(url, open);
    }
    return open;
  };
  return {
    shards,
    hotDays,
    sealPages,
    archive: directoryArchive(env.LEDGER_ARCHIVE_DIR ?? 'data/ledger-archive'),
    async open(month, shard) {
      const url = ledgerUrl(template, month, shard);
      return claimLedgerDb((await connect(url)).db, slotOf(url), month);
    },
    async release(month, shard) {
      const url = ledgerUrl(template, month, shard);
      const slot = slotOf(url);
      if (!url.startsWith('file:')) {
        await emptyLedgerDb((await connect(url)).db, slot, month);
        return;
      }
      forgetClaims(slot);
      // A file per month: closed and removed whole.
      clients.get(url)?.close();
      clients.delete(url);
      const file = localPath(url);
      for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
    },
  };
}
