/**
 * @module Every SQL statement the measured routes run, and its `EXPLAIN QUERY PLAN`: the Node door's
 * real app served in this process on a copy of a seeded database, its local driver's calls recorded
 * per operation (the door has no SQL log; the driver is where every statement passes), then each
 * statement explained on the largest database with the parameters it ran with. A `SCAN` of a big
 * table is flagged, unless it is an ordered walk that stops at the query's LIMIT.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import Database from 'libsql';
import { createNodeApp, createNodeContext } from '../../src/app/node-context';
import { LocalDriver, type Query } from '../../src/db/driver';
import { generateDevSecrets } from '../../src/lib/dev-secrets';

/** Tables that grow with readers or reads: a scan of one of these is what the bench looks for. */
export const BIG_TABLES = new Set([
  'readers',
  'memberships',
  'sessions',
  'reads',
  'stripe_events',
  'pairwise_subjects',
  'audit_log',
  'outbox',
  'rate_limits',
  'meter_articles',
]);

export interface Captured {
  sql: string;
  params: unknown[];
}

export interface PlanLine {
  detail: string;
  /** A scan of a big table that is not an ordered walk stopped by LIMIT. */
  flagged: boolean;
}

/** Records the SQL texts the local driver runs, grouped under the label that is current. */
export class SqlRecorder {
  readonly byLabel = new Map<string, Map<string, Captured>>();
  label = '';
  #restore: (() => void) | undefined;

  install(): void {
    const proto = LocalDriver.prototype;
    const { query, batch, objects } = proto;
    const record = (sql: string, params: unknown[]) => {
      if (!this.label || /^(BEGIN|COMMIT|ROLLBACK|PRAGMA)/i.test(sql)) return;
      const seen = this.byLabel.get(this.label) ?? new Map<string, Captured>();
      this.byLabel.set(this.label, seen);
      if (!seen.has(sql)) seen.set(sql, { sql, params });
    };
    proto.query = function (sql, params, method) {
      record(sql, params);
      return query.call(this, sql, params, method);
    };
    proto.batch = function (queries: readonly Query[]) {
      for (const q of queries) record(q.sql, q.params);
      return batch.call(this, queries);
    };
    proto.objects = function (sql, params) {
      record(sql, params);
      return objects.call(this, sql, params);
    };
    this.#restore = () => Object.assign(proto, { query, batch, objects });
  }

  uninstall(): void {
    this.#restore?.();
  }
}

/** Serves the door's real app in this process on a copy of `dbFile`; the copy goes with stop(). */
export async function serveInProcess(
  dbFile: string,
  env: Record<string, string>,
): Promise<{ url: string; adminKey: string; stop(): Promise<void> }> {
  const copy = `${dbFile}.plans.db`;
  for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) if (existsSync(f)) rmSync(f);
  copyFileSync(dbFile, copy);
  const secrets = await generateDevSecrets();
  const ctx = await createNodeContext({
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: `file:${copy}`,
    LIMIT_SIGNIN_IP: '1000000/15m',
    LIMIT_PUBLISHER_CALLS: '1000000/1m',
    ...secrets,
    ...env,
  });
  const app = createNodeApp(ctx);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    adminKey: secrets.ADMIN_API_KEY,
    async stop() {
      await new Promise<void>((done) => server.close(() => done()));
      for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) if (existsSync(f)) rmSync(f);
    },
  };
}

/** `EXPLAIN QUERY PLAN` of each captured statement on `dbFile` (read-only), with its flags. */
export function explainAll(dbFile: string, statements: Captured[]): Map<string, PlanLine[]> {
  const db = new Database(dbFile, { readonly: true });
  const out = new Map<string, PlanLine[]>();
  for (const { sql, params } of statements) {
    let rows: { detail: string }[];
    try {
      rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
    } catch (err) {
      out.set(sql, [{ detail: `(not explained: ${(err as Error).message})`, flagged: false }]);
      continue;
    }
    const sortsAll = rows.some((r) => /USE TEMP B-TREE FOR (ORDER|GROUP) BY/.test(r.detail));
    const limited = /\blimit\b/i.test(sql) && !sortsAll;
    out.set(
      sql,
      rows.map((r) => {
        const table = /^SCAN (\w+)/.exec(r.detail)?.[1];
        return { detail: r.detail, flagged: table !== undefined && BIG_TABLES.has(table) && !limited };
      }),
    );
  }
  db.close();
  return out;
}
