/**
 * @module Seeds a scale-bench database fast: the real migrations first (the Node door's own
 * migrator), then rows written straight into the file in big transactions of multi-row inserts,
 * with the secondary indexes of the big tables dropped while rows go in and rebuilt after (from
 * their own SQL, so the schema ends exactly as the migrations left it), and the running counts'
 * triggers likewise, the counts filled by the migration's own backfill. Deterministic data.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { openLocalDatabase } from '../../src/db/local-database';
import { MIGRATIONS_DIR } from '../../src/db/open';
import { hashPassword } from '../../src/lib/password';
import {
  ARTICLES,
  dayBefore,
  idOf,
  PASSWORD,
  PUBLISHERS,
  prng,
  publisherId,
  publisherKey,
  READ_DAYS,
  readerEmail,
  readerId,
  sessionToken,
  sha256Hex,
  subjectOf,
} from './data';

type Engine = InstanceType<typeof Database>;
type Row = (string | number | null)[];

/** Buffers rows of one table and writes them `perInsert` at a time through one prepared statement. */
class BulkInsert {
  readonly #engine: Engine;
  readonly #table: string;
  readonly #columns: string[];
  readonly #perInsert: number;
  readonly #full: ReturnType<Engine['prepare']>;
  #rows: Row[] = [];
  count = 0;

  constructor(engine: Engine, table: string, columns: string[]) {
    this.#engine = engine;
    this.#table = table;
    this.#columns = columns;
    this.#perInsert = Math.max(1, Math.floor(30_000 / columns.length / 100) * 100);
    this.#full = engine.prepare(this.#sql(this.#perInsert));
  }

  #sql(rows: number): string {
    const one = `(${this.#columns.map(() => '?').join(',')})`;
    return `INSERT INTO ${this.#table} (${this.#columns.join(',')}) VALUES ${Array(rows).fill(one).join(',')}`;
  }

  add(row: Row): void {
    this.#rows.push(row);
    if (this.#rows.length === this.#perInsert) this.flush();
  }

  flush(): void {
    if (this.#rows.length === 0) return;
    const statement =
      this.#rows.length === this.#perInsert ? this.#full : this.#engine.prepare(this.#sql(this.#rows.length));
    statement.run(this.#rows.flat());
    this.count += this.#rows.length;
    this.#rows = [];
  }
}

export interface SeedSpec {
  readers: number;
  reads: number;
  /** The bench's "today" (UTC): reads fall on the READ_DAYS days before it. */
  today: Date;
}

/** Membership of reader `i`: a fixed mix of statuses (10 % trial, 30 % lapsed trial, 40 % paying…). */
function membershipOf(i: number, now: number): Row {
  const kind = i % 20;
  const day = 86_400;
  const base = {
    status: 'trialing',
    plan: null as string | null,
    trialEnds: now - (1 + (i % 300)) * day,
    periodEnd: null as number | null,
    grace: null as number | null,
    comp: null as number | null,
    customer: null as string | null,
  };
  if (kind < 2) base.trialEnds = now + (1 + (i % 13)) * day;
  else if (kind >= 8) {
    base.customer = `cus_scale${i}`;
    base.plan = i % 3 === 0 ? 'annual' : 'monthly';
    base.periodEnd = now + (1 + (i % 28)) * day;
    base.status = kind < 16 ? 'active' : kind === 16 ? 'past_due' : kind < 19 ? 'canceled' : 'comped';
    if (kind === 16) base.grace = now + 3 * day;
    if (kind === 17 || kind === 18) base.periodEnd = now - (1 + (i % 200)) * day;
    if (kind === 19) {
      base.comp = now + 30 * day;
      base.customer = null;
      base.plan = null;
      base.periodEnd = null;
    }
  }
  const sub = base.customer ? `sub_scale${i}` : null;
  return [
    readerId(i),
    base.status,
    base.plan,
    base.trialEnds,
    base.periodEnd,
    0,
    base.grace,
    base.comp,
    base.comp ? 'scale bench' : null,
    base.customer,
    sub,
    0,
    now - (i % 1000) * 60,
    now - (i % 1000) * 60,
  ];
}

/**
 * Drops the running counts' triggers (each would look up Stripe events per row while their index
 * is dropped) and returns the statements that fill `count_buckets` from the rows and recreate them:
 * the migration's own backfill and trigger SQL.
 */
function dropCountTriggers(engine: Engine): string[] {
  const triggers = engine
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'count_buckets_%'`)
    .all() as { name: string; sql: string }[];
  for (const t of triggers) engine.exec(`DROP TRIGGER \`${t.name}\``);
  const migration = readdirSync(MIGRATIONS_DIR).find((f) => f.endsWith('_count_buckets.sql')) ?? '';
  const backfill = readFileSync(path.join(MIGRATIONS_DIR, migration), 'utf8')
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim())
    .filter((statement) => statement.startsWith('INSERT INTO `count_buckets`'));
  return [...backfill, ...triggers.map((t) => t.sql)];
}

/** Drops the named tables' secondary indexes (not unique ones) and returns the SQL to rebuild them. */
function dropIndexes(engine: Engine, tables: string[]): string[] {
  const rows = engine
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
       AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN (${tables.map(() => '?').join(',')})`,
    )
    .all(tables) as { name: string; sql: string }[];
  for (const row of rows) engine.exec(`DROP INDEX ${row.name}`);
  return rows.map((row) => row.sql);
}

/** Writes the database of `spec` to `file` (built beside it, renamed when complete); returns seconds taken. */
export async function seedDatabase(
  file: string,
  spec: SeedSpec,
  log: (line: string) => void,
): Promise<number> {
  const started = performance.now();
  const building = `${file}.building`;
  for (const f of [building, `${building}-wal`, `${building}-shm`]) if (existsSync(f)) rmSync(f);
  const migrated = openLocalDatabase({ path: building });
  await migrated.migrate(MIGRATIONS_DIR);
  migrated.close();

  const engine = new Database(building);
  engine.exec('PRAGMA journal_mode = OFF');
  engine.exec('PRAGMA synchronous = OFF');
  engine.exec('PRAGMA cache_size = -2000000');
  engine.exec('PRAGMA temp_store = MEMORY');
  const rebuild = dropIndexes(engine, ['readers', 'memberships', 'sessions', 'reads', 'stripe_events']);
  const recount = dropCountTriggers(engine);
  const now = Math.floor(spec.today.getTime() / 1000);
  const passwordHash = await hashPassword(PASSWORD);
  const rows = (table: string, columns: string[], fill: (insert: BulkInsert) => void) => {
    const t = performance.now();
    engine.exec('BEGIN');
    const insert = new BulkInsert(engine, table, columns);
    fill(insert);
    insert.flush();
    engine.exec('COMMIT');
    log(
      `    ${table}: ${insert.count.toLocaleString('en-US')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    return insert.count;
  };

  const publisherIds = Array.from({ length: PUBLISHERS }, (_, p) => ({ p, id: publisherId(p) })).sort(
    (a, b) => (a.id < b.id ? -1 : 1),
  );
  rows(
    'publishers',
    ['id', 'name', 'origins', 'api_key_hash', 'api_key_prefix', 'created_at', 'updated_at'],
    (insert) => {
      for (const { p, id } of publisherIds) {
        const origins = JSON.stringify([`https://p${p}.scale.example`]);
        insert.add([
          id,
          `Scale Daily ${p}`,
          origins,
          sha256Hex(`legacy:${p}`),
          'ppk_test_legacy',
          now - 400 * 86_400,
          now,
        ]);
      }
    },
  );
  rows(
    'publisher_keys',
    ['id', 'publisher_id', 'name', 'key_hash', 'key_prefix', 'created_by', 'created_at'],
    (insert) => {
      for (const { p, id } of publisherIds) {
        const key = publisherKey(p);
        insert.add([
          idOf('pkk', `publisher-key:${p}`),
          id,
          'scale',
          sha256Hex(key),
          key.slice(0, 17),
          'bootstrap',
          now,
        ]);
      }
    },
  );
  rows(
    'readers',
    [
      'id',
      'email',
      'email_key',
      'trial_identity',
      'password_hash',
      'created_at',
      'updated_at',
      'email_verified_at',
    ],
    (insert) => {
      // Sign-ups spread evenly over the last two years, reader 0 the oldest.
      const span = 730 * 86_400;
      for (let i = 0; i < spec.readers; i++) {
        const created = now - span + Math.floor((i * span) / spec.readers);
        const email = readerEmail(i);
        insert.add([readerId(i), email, email, email, passwordHash, created, created, created]);
      }
    },
  );
  rows(
    'memberships',
    [
      'reader_id',
      'status',
      'plan',
      'trial_ends_at',
      'current_period_end',
      'cancel_at_period_end',
      'grace_until',
      'comp_until',
      'comp_reason',
      'stripe_customer_id',
      'stripe_subscription_id',
      'version',
      'created_at',
      'updated_at',
    ],
    (insert) => {
      for (let i = 0; i < spec.readers; i++) insert.add(membershipOf(i, now));
    },
  );
  rows('sessions', ['id', 'reader_id', 'token_hash', 'created_at', 'expires_at', 'user_agent'], (insert) => {
    for (let i = 0; i < spec.readers; i++) {
      insert.add([
        idOfSession(i),
        readerId(i),
        sha256Hex(sessionToken(i)),
        now - 3600,
        now + 30 * 86_400,
        'scale-bench',
      ]);
    }
  });
  rows(
    'stripe_events',
    [
      'id',
      'type',
      'stripe_created_at',
      'reader_id',
      'outcome',
      'status_before',
      'status_after',
      'source',
      'processed_at',
    ],
    (insert) => {
      for (let i = 0; i < spec.readers; i++) {
        if (i % 20 < 8 || i % 20 === 19) continue;
        const at = now - (i % 500) * 3600;
        insert.add([
          `evt_scale${i}`,
          'customer.subscription.updated',
          at,
          readerId(i),
          'applied',
          'trialing',
          'active',
          'webhook',
          at,
        ]);
      }
    },
  );
  rows(
    'reads',
    [
      'publisher_id',
      'subject',
      'article_id',
      'day',
      'reader_id',
      'membership',
      'title',
      'url',
      'article_bound',
      'created_at',
    ],
    (insert) => {
      const perPublisher = Math.floor(spec.reads / PUBLISHERS);
      const extra = spec.reads - perPublisher * PUBLISHERS;
      // Publishers in id order and each one's reads sorted by (subject, article, day): rows arrive
      // in the primary key's order, so its index is appended to rather than split at random.
      for (const { p, id } of publisherIds) {
        const random = prng(p + 1);
        const n = perPublisher + (p < extra ? 1 : 0);
        const batch: { key: string; row: Row }[] = [];
        for (let j = 0; j < n; j++) {
          const i = Math.floor(random() * spec.readers);
          const subject = subjectOf(p, i);
          const article = `art-${Math.floor(random() * ARTICLES)}`;
          const day = dayBefore(spec.today, 1 + Math.floor(random() * READ_DAYS));
          const at = Date.parse(`${day}T00:00:00Z`) / 1000 + Math.floor(random() * 86_400);
          const kind = i % 20 < 8 ? 'trial' : 'paid';
          batch.push({
            key: `${subject}\u0000${article}\u0000${day}`,
            row: [
              id,
              subject,
              article,
              day,
              readerId(i),
              kind,
              `Article ${article}`,
              `https://p${p}.scale.example/${article}`,
              1,
              at,
            ],
          });
        }
        batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        for (let k = 0; k < batch.length; k++) {
          const item = batch[k] as { key: string; row: Row };
          if (k > 0 && batch[k - 1]?.key === item.key) continue; // the same reader, article and day: one read
          insert.add(item.row);
        }
      }
    },
  );
  const t = performance.now();
  for (const statement of rebuild) engine.exec(statement);
  log(`    ${rebuild.length} secondary indexes rebuilt in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const counted = performance.now();
  for (const statement of recount) engine.exec(statement);
  log(`    running counts filled in ${((performance.now() - counted) / 1000).toFixed(1)} s`);
  engine.exec('PRAGMA journal_mode = WAL');
  engine.close();
  renameSync(building, file);
  return (performance.now() - started) / 1000;
}

const idOfSession = (i: number) => idOf('ses', `session:${i}`);
