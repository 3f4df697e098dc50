/**
 * @module The reads ledger's real bytes per read (issue 16, item 6): N reads of realistic shape
 * written into the migrations' own schema and into leaner layouts (bench/ledger/variants.ts), then
 * SQLite's `dbstat` per table and index, and what a day of reads costs at a given audience against
 * one D1 database's 10 GB.
 *   npx tsx bench/ledger.bench.ts [reads=200000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'libsql';
import { openLocalDatabase } from '../src/db/local-database';
import { MIGRATIONS_DIR } from '../src/db/open';
import { LEDGER_DDL } from '../src/features/ledger/ledger';
import { dayNumber } from '../src/features/ledger/partition';
import { LAYOUTS, type Layout, type Read } from './ledger/variants';
import { target } from './lib';
import { idOf, prng, subjectOf } from './scale/data';

// A count as the first argument when run alone; under `npm run bench` the arguments are bench names.
const asked = Number(process.argv[2]);
const N = Number.isInteger(asked) && asked > 0 ? asked : 200_000;
const PUBLISHERS = 100;
const TITLE = 'City council approves night buses after a year of trials';
const dir = mkdtempSync(path.join(tmpdir(), 'onepass-ledger-'));

/** N reads: 20 a reader, over 28 days and 100 publishers, article ids like a news site's paths. */
function makeReads(): Read[] {
  const random = prng(7);
  const readers = Math.max(1, Math.floor(N / 20));
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: N }, () => {
    const p = Math.floor(random() * PUBLISHERS);
    const r = Math.floor(random() * readers);
    return {
      publisher: idOf('pub', `p${p}`),
      publisherNo: p,
      subject: subjectOf(p, r),
      article: `2026/12/${Math.floor(random() * 5000)}-city-council-approves-night-buses`,
      day: `2026-12-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      readerId: idOf('rdr', `r${r}`),
      createdAt: now,
    };
  });
}

type Engine = InstanceType<typeof Database>;

/** Bytes of `reads` and each of its indexes, and the number of reads the table holds. */
function measure(
  engine: Engine,
  table = 'reads',
): { counted: number; parts: { name: string; bytes: number }[] } {
  engine.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const counted = (engine.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const parts = engine
    .prepare(
      `SELECT name, sum(pgsize) AS bytes FROM dbstat WHERE name = ? OR name IN
         (SELECT name FROM sqlite_schema WHERE tbl_name = ? AND type = 'index')
       GROUP BY name ORDER BY bytes DESC`,
    )
    .all(table, table) as { name: string; bytes: number }[];
  return { counted, parts };
}

/** The migrations' schema, written as `POST /v1/reads` writes it (title and url on every row). */
async function current(all: Read[]) {
  const file = path.join(dir, 'current.db');
  const local = openLocalDatabase({ path: file, pragmas: ['PRAGMA journal_mode = WAL'] });
  await local.migrate(MIGRATIONS_DIR);
  local.close();
  const engine = new Database(file);
  engine.exec('PRAGMA foreign_keys = OFF');
  // Only the ledger is measured: its foreign-key triggers would want publishers and readers.
  for (const { name } of engine
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'reads'")
    .all() as { name: string }[])
    engine.exec(`DROP TRIGGER "${name}"`);
  const insert = engine.prepare(
    `INSERT OR IGNORE INTO reads (publisher_id, subject, article_id, day, reader_id, membership, title, url, article_bound, created_at)
     VALUES (?, ?, ?, ?, ?, 'paid', ?, ?, 1, ?)`,
  );
  engine.exec('BEGIN');
  for (const r of all)
    insert.run([
      r.publisher,
      r.subject,
      r.article,
      r.day,
      r.readerId,
      TITLE,
      `https://news.example/${r.article}`,
      r.createdAt,
    ]);
  engine.exec('COMMIT');
  const result = measure(engine);
  engine.close();
  return result;
}

function variant(layout: Layout, all: Read[], i: number) {
  const engine = new Database(path.join(dir, `variant-${i}.db`));
  engine.exec('PRAGMA journal_mode = WAL');
  for (const ddl of layout.schema) engine.exec(ddl);
  const insert = engine.prepare(layout.insert);
  engine.exec('BEGIN');
  for (const r of all) insert.run(layout.row(r));
  engine.exec('COMMIT');
  const result = measure(engine);
  engine.close();
  return result;
}

/** The period ledger as the service builds it (src/features/ledger/ledger.ts's own DDL), written as sealing writes it. */
function built(all: Read[]) {
  const engine = new Database(path.join(dir, 'built.db'));
  engine.exec('PRAGMA journal_mode = WAL');
  for (const ddl of LEDGER_DDL) engine.exec(ddl);
  const publisher = engine.prepare('INSERT OR IGNORE INTO ledger_publishers (id) VALUES (?)');
  const insert = engine.prepare(
    'INSERT OR IGNORE INTO ledger_reads VALUES ((SELECT no FROM ledger_publishers WHERE id = ?), ?, ?, ?)',
  );
  engine.exec('BEGIN');
  for (const r of all) {
    publisher.run([r.publisher]);
    insert.run([r.publisher, r.subject, r.article, dayNumber(r.day)]);
  }
  engine.exec('COMMIT');
  const result = measure(engine, 'ledger_reads');
  engine.close();
  return result;
}

const fmt = (n: number) => n.toFixed(0).padStart(5);
function report(name: string, { counted, parts }: ReturnType<typeof measure>, baseline?: number): number {
  const total = parts.reduce((sum, p) => sum + p.bytes, 0) / counted;
  const detail = parts.map((p) => `${p.name.replace(/^reads_|_idx$/g, '')} ${fmt(p.bytes / counted).trim()}`);
  const day = (1_000_000 * 20 * total) / 1e9;
  console.log(
    `  ${name.padEnd(78)}${fmt(total)} B/read${baseline ? ` (${(total / baseline).toFixed(2)}×)` : '        '}` +
      `  1 M readers × 20/day: ${day.toFixed(1).padStart(5)} GB/day, a 10 GB D1 full in ${((10 / day) * 24).toFixed(0)} h`,
  );
  console.log(`      ${detail.join(', ')}`);
  return total;
}

const all = makeReads();
console.log(
  `  ${N.toLocaleString('en-US')} reads over 100 publishers and 28 days; bytes per read from dbstat (table + its indexes):`,
);
const base = report("A: the migrations' schema (title and url on every row)", await current(all));
LAYOUTS.forEach((layout, i) => {
  report(layout.name, variant(layout, all, i), base);
});
const ledger = report(
  'the period ledger as built (src/features/ledger: one database per month and shard)',
  built(all),
  base,
);
console.log(
  '  (the articles table of B–E holds one row per article, not per read: 100 publishers × 5,000 articles here)',
);
target(
  'a read in the period ledger smaller than in `reads`',
  base / ledger,
  5,
  `${base.toFixed(0)} vs ${ledger.toFixed(0)} bytes`,
);
rmSync(dir, { recursive: true, force: true });
