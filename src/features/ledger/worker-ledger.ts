/**
 * @module The ledger on Workers: a ring of D1 bindings (`LEDGER_0` … `LEDGER_<n-1>`), a month's
 * shards in one group of them, and closed months archived to the R2 bucket bound as
 * `LEDGER_ARCHIVE`. Without `LEDGER_0` there is no ledger: `reads` alone holds every read.
 */
import type { SQL } from 'drizzle-orm';
import {
  type ArchiveStore,
  claimLedgerDb,
  emptyLedgerDb,
  type Ledger,
  type LedgerDb,
  toQuery,
} from './ledger';
import { ringSlot } from './partition';
import { ledgerSettings } from './settings';

function isD1(value: unknown): value is D1Database {
  return typeof value === 'object' && value !== null && typeof (value as D1Database).prepare === 'function';
}

function d1Ledger(binding: D1Database): LedgerDb {
  const prepare = (query: SQL) => {
    const { sql, params } = toQuery(query);
    return binding.prepare(sql).bind(...params);
  };
  return {
    async all<T>(query: SQL) {
      return (await prepare(query).all<T>()).results;
    },
    async run(query) {
      await prepare(query).run();
    },
    async batch(queries) {
      if (queries.length > 0) await binding.batch(queries.map(prepare));
    },
  };
}

function r2Archive(bucket: R2Bucket): ArchiveStore {
  return {
    async put(key, bytes) {
      await bucket.put(key, bytes);
    },
    async get(key) {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
  };
}

export function workerLedger(env: Record<string, unknown>): Ledger | undefined {
  const bindings: D1Database[] = [];
  for (let value = env.LEDGER_0; isD1(value); value = env[`LEDGER_${bindings.length}`]) bindings.push(value);
  if (bindings.length === 0) return undefined;
  const bucket = env.LEDGER_ARCHIVE as R2Bucket | undefined;
  if (!bucket || typeof bucket.put !== 'function') {
    throw new Error('The ledger needs an R2 bucket bound as LEDGER_ARCHIVE for its closed months');
  }
  const { shards, hotDays, sealPages } = ledgerSettings(env);
  ringSlot('2000-01', 0, shards, bindings.length); // refuses a ring too small for two months
  const dbs = new Map<number, LedgerDb>();
  const dbOf = (month: string, shard: number) => {
    const slot = ringSlot(month, shard, shards, bindings.length);
    let db = dbs.get(slot);
    if (!db) {
      db = d1Ledger(bindings[slot] as D1Database);
      dbs.set(slot, db);
    }
    return { db, name: `LEDGER_${slot}` };
  };
  return {
    shards,
    hotDays,
    sealPages,
    archive: r2Archive(bucket),
    open(month, shard) {
      const { db, name } = dbOf(month, shard);
      return claimLedgerDb(db, name, month);
    },
    async release(month, shard) {
      const { db, name } = dbOf(month, shard);
      await emptyLedgerDb(db, name, month);
    },
  };
}
