/**
 * @module The ledger on Node: a database per month and shard named by `LEDGER_DATABASE_URL` (a
 * template with `{month}` and `{shard}`: libSQL files, or Turso databases made beforehand), and
 * closed months archived to `LEDGER_ARCHIVE_DIR`. Without the template there is no ledger.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { localPath } from '../../db/open';
import { type ArchiveStore, claimLedgerDb, emptyLedgerDb, type Ledger, type LedgerDb } from './ledger';
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

export function nodeLedger(env: Record<string, string | undefined>): Ledger | undefined {
  const template = env.LEDGER_DATABASE_URL;
  if (!template) return undefined;
  const { shards, hotDays } = ledgerSettings(env);
  const problem = templateProblem(template, shards);
  if (problem) throw new Error(`LEDGER_DATABASE_URL ${problem}`);
  const clients = new Map<string, { client: Client; db: LedgerDb }>();
  const connect = async (url: string) => {
    let open = clients.get(url);
    if (!open) {
      if (url.startsWith('file:'))
        await mkdir(path.dirname(path.resolve(localPath(url))), { recursive: true });
      const client = createClient({ url, authToken: env.LEDGER_AUTH_TOKEN });
      if (url.startsWith('file:')) await client.execute('PRAGMA journal_mode = WAL');
      open = { client, db: drizzle(client) as unknown as LedgerDb };
      clients.set(url, open);
    }
    return open;
  };
  return {
    shards,
    hotDays,
    archive: directoryArchive(env.LEDGER_ARCHIVE_DIR ?? 'data/ledger-archive'),
    async open(month, shard) {
      const url = ledgerUrl(template, month, shard);
      return claimLedgerDb((await connect(url)).db, url.replace(/\?.*$/, ''), month);
    },
    async release(month, shard) {
      const url = ledgerUrl(template, month, shard);
      if (!url.startsWith('file:')) {
        await emptyLedgerDb((await connect(url)).db);
        return;
      }
      // A file per month: closed and removed whole.
      clients.get(url)?.client.close();
      clients.delete(url);
      const file = localPath(url);
      for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
    },
  };
}
