/**
 * @module Foreign keys hold without connection state: the triggers migration matches the schema's
 * foreign keys (a new key without its triggers fails here), and with `PRAGMA foreign_keys` off,
 * as on a remote libSQL server, the triggers still refuse orphans and still cascade.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { foreignKeyTriggers } from '../../scripts/fk-triggers';
import { startNodeDoor } from '../support/node-door';

describe('foreign-key triggers', () => {
  it('are in the migrations exactly as the schema asks', () => {
    // 0010 installed the triggers of the keys then; each later migration adds those of its own tables.
    const dir = new URL('../../migrations/', import.meta.url);
    const migration = readdirSync(dir)
      .filter((name) => name.endsWith('.sql'))
      .map((name) => readFileSync(new URL(name, dir), 'utf8'))
      .join('\n');
    for (const statement of foreignKeyTriggers()) expect(migration).toContain(statement);
    // Other triggers (the member counts of migration 0023) are not foreign keys.
    expect(migration.match(/CREATE TRIGGER IF NOT EXISTS `fk_/g)?.length).toBe(foreignKeyTriggers().length);
  });

  it('refuse an orphan and cascade a delete on a connection with foreign keys off', async () => {
    const door = await startNodeDoor({ LOG_LEVEL: 'silent' });
    const db = createClient({ url: door.env.DATABASE_URL ?? '' });
    try {
      await db.execute('PRAGMA foreign_keys = OFF');
      await expect(
        db.execute({
          sql: 'INSERT INTO sessions (id, reader_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, 1, 2)',
          args: ['ses_orphan', 'rdr_nobody', 'hash'],
        }),
      ).rejects.toThrow(/FOREIGN KEY constraint failed: sessions.reader_id/);
      const signUp = await door.call('POST', '/v1/readers', {
        body: { email: `fk.${Date.now()}@example.com`, password: 'pass phrase 1' },
      });
      const readerId = signUp.json.reader.id;
      await db.execute({ sql: 'DELETE FROM readers WHERE id = ?', args: [readerId] });
      const left = await db.execute({
        sql: 'SELECT count(*) AS n FROM sessions WHERE reader_id = ?',
        args: [readerId],
      });
      expect(left.rows[0]?.n).toBe(0);
    } finally {
      db.close();
      door.close();
    }
  });
});
