/**
 * The Node door's database opening (src/db/open.ts): file: URLs, the connection settings from
 * configuration, and migrations through drizzle's sqlite-proxy migrator, which must take over
 * database files the libsql migrator (the door's migrator before) created or left part-way.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import Database from 'libsql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config';
import { openLocalDatabase } from '../../src/db/local-database';
import { localPath, MIGRATIONS_DIR, openDatabase } from '../../src/db/open';
import { generateDevSecrets } from '../../src/lib/dev-secrets';

interface Journal {
  entries: Array<{ tag: string; when: number }>;
}
const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as Journal;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'onepass-open-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The schema and the migration records of a database file, read on a connection of its own. */
function snapshot(file: string) {
  const engine = new Database(file);
  try {
    return {
      schema: engine
        .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .raw(true)
        .all(),
      migrations: engine
        .prepare('SELECT hash, created_at, typeof(created_at) FROM __drizzle_migrations ORDER BY created_at')
        .raw(true)
        .all(),
    };
  } finally {
    engine.close();
  }
}

/** Migrates a file the way the door did before: @libsql/client and drizzle's libsql migrator. */
async function migrateTheOldWay(file: string, migrationsFolder = MIGRATIONS_DIR) {
  const client = createClient({ url: `file:${file}` });
  try {
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    client.close();
  }
}

async function migrateTheNewWay(file: string, migrationsFolder = MIGRATIONS_DIR) {
  const local = openLocalDatabase({ path: file, pragmas: ['PRAGMA foreign_keys = ON'] });
  try {
    await local.migrate(migrationsFolder);
  } finally {
    local.close();
  }
}

/** A migrations folder holding the first `count` migrations of the real one, plus `extra` SQL if given. */
function migrationsFolder(count: number, extra?: string): string {
  const folder = path.join(dir, `migrations-${count}${extra ? '-extra' : ''}`);
  mkdirSync(path.join(folder, 'meta'), { recursive: true });
  const entries = journal.entries.slice(0, count);
  for (const { tag } of entries)
    copyFileSync(path.join(MIGRATIONS_DIR, `${tag}.sql`), path.join(folder, `${tag}.sql`));
  if (extra) {
    const last = entries[entries.length - 1]?.when ?? 0;
    entries.push({ ...entries[0], tag: '9999_extra', when: last + 1 } as Journal['entries'][number]);
    writeFileSync(path.join(folder, '9999_extra.sql'), extra);
  }
  writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  return folder;
}

describe('migrations through the sqlite-proxy migrator', () => {
  it('a fresh file gets every migration once, recorded as the libsql migrator records them', async () => {
    const fresh = path.join(dir, 'fresh.db');
    const old = path.join(dir, 'old.db');
    await migrateTheNewWay(fresh);
    await migrateTheOldWay(old);
    const mine = snapshot(fresh);
    expect(mine.migrations).toHaveLength(journal.entries.length);
    expect(mine.migrations.map((m) => (m as unknown[])[2])).toEqual(journal.entries.map(() => 'integer'));
    expect(mine).toEqual(snapshot(old));
    await migrateTheNewWay(fresh);
    expect(snapshot(fresh)).toEqual(mine);
  });

  it('a file the libsql migrator made: nothing is applied again, its data stays', async () => {
    const file = path.join(dir, 'made-before.db');
    await migrateTheOldWay(file);
    const engine = new Database(file);
    engine.exec(
      "INSERT INTO publishers (id, name, origins, api_key_hash, api_key_prefix, updated_at) VALUES ('pub_x', 'Kept', '[]', 'h', 'p', 0)",
    );
    engine.close();
    const before = snapshot(file);
    await migrateTheNewWay(file);
    expect(snapshot(file)).toEqual(before);
    const local = openLocalDatabase({ path: file });
    expect(await local.db.all(sql`SELECT name FROM publishers`)).toEqual([{ name: 'Kept' }]);
    local.close();
  });

  it('a file the libsql migrator left part-way: the rest is applied, as the libsql migrator would have', async () => {
    const partial = path.join(dir, 'partial.db');
    const whole = path.join(dir, 'whole.db');
    await migrateTheOldWay(partial, migrationsFolder(3));
    expect(snapshot(partial).migrations).toHaveLength(3);
    await migrateTheNewWay(partial);
    await migrateTheOldWay(whole);
    expect(snapshot(partial)).toEqual(snapshot(whole));
  });

  it('a failing migration applies nothing of the pending ones, and foreign keys are back on', async () => {
    const file = path.join(dir, 'failing.db');
    await migrateTheNewWay(file, migrationsFolder(2));
    const before = snapshot(file);
    const folder = migrationsFolder(
      journal.entries.length,
      'CREATE TABLE extra (id INTEGER);\nNOT SQL AT ALL;',
    );
    const local = openLocalDatabase({ path: file, pragmas: ['PRAGMA foreign_keys = ON'] });
    try {
      await expect(local.migrate(folder)).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
      expect(snapshot(file)).toEqual(before);
      expect(await local.db.values(sql`PRAGMA foreign_keys`)).toEqual([[1]]);
    } finally {
      local.close();
    }
  });
});

describe('openDatabase', () => {
  it('opens a file: URL (creating its folder) in WAL mode with foreign keys on and the configured synchronous level', async () => {
    for (const level of ['NORMAL', 'FULL'] as const) {
      const file = path.join(dir, level, 'nested', 'paywall.db');
      const config = await loadConfig({
        ENVIRONMENT: 'test',
        DATABASE_URL: `file:${file}`,
        SQLITE_SYNCHRONOUS: level,
        ...(await generateDevSecrets()),
      });
      const { db, close } = await openDatabase(config);
      try {
        expect(await db.values(sql`PRAGMA journal_mode`)).toEqual([['wal']]);
        expect(await db.values(sql`PRAGMA foreign_keys`)).toEqual([[1]]);
        expect(await db.values(sql`PRAGMA synchronous`)).toEqual([[level === 'FULL' ? 2 : 1]]);
        expect(snapshot(file).migrations).toHaveLength(journal.entries.length);
      } finally {
        close();
      }
    }
  });
});

describe('localPath', () => {
  it('reads every file: URL form and refuses a host', () => {
    expect(localPath('file:data/paywall.db')).toBe('data/paywall.db');
    expect(localPath('file:/srv/paywall.db')).toBe('/srv/paywall.db');
    expect(localPath('file:///srv/paywall.db')).toBe('/srv/paywall.db');
    expect(localPath('file://localhost/srv/pay%20wall.db')).toBe('/srv/pay wall.db');
    expect(localPath('file::memory:')).toBe(':memory:');
    expect(localPath('/srv/paywall.db')).toBe('/srv/paywall.db');
    expect(() => localPath('file://evil.example/db')).toThrow(/cannot name a host/);
  });
});
