/**
 * @module The journeys of test/journeys on the Node door over a remote libSQL server (Hrana over
 * HTTP, as Turso is reached in production), and the integrity that must hold there without any
 * per-connection state.
 */
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressJourney } from '../journeys/address';
import { devicesJourney } from '../journeys/devices';
import { emailSignInJourney } from '../journeys/email-sign-in';
import { importsJourney } from '../journeys/imports';
import { memberCountsJourney } from '../journeys/member-counts';
import { meterJourney } from '../journeys/meter';
import { passkeysJourney } from '../journeys/passkeys';
import { readerJourney } from '../journeys/reader';
import { readingJourney } from '../journeys/reading';
import { titlesJourney } from '../journeys/titles';
import { type HranaServer, startHranaServer } from '../support/hrana';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let server: HranaServer;
let door: NodeDoor;
beforeAll(async () => {
  server = await startHranaServer();
  door = await startNodeDoor({ DATABASE_URL: server.url, LOG_LEVEL: 'warn', METER_FREE_ARTICLES: '3' });
}, 60_000);
afterAll(async () => {
  door?.close();
  await server?.close();
});

it('runs on the remote server', () => {
  expect(door.name).toBe('node-remote');
  expect(door.env.DATABASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

readerJourney(() => door);
emailSignInJourney(() => door);
devicesJourney(() => door);
readingJourney(() => door);
passkeysJourney(() => door);
addressJourney(() => door);
meterJourney(() => door);
titlesJourney(() => door);
importsJourney(() => door);
memberCountsJourney(() => door);

describe('integrity on a remote database (every request its own connection)', () => {
  it('refuses an orphan row through another client, and cascades a delete', async () => {
    const other = createClient({ url: server.url });
    try {
      const pragma = await other.execute('PRAGMA foreign_keys');
      expect(pragma.rows[0]?.foreign_keys).toBe(0); // off on this server's fresh connections
      await expect(
        other.execute({
          sql: 'INSERT INTO memberships (reader_id, status, cancel_at_period_end, version, created_at, updated_at) VALUES (?, ?, 0, 0, 1, 1)',
          args: ['rdr_nobody_here_xxxxxx', 'trialing'],
        }),
      ).rejects.toThrow(/FOREIGN KEY constraint failed/);
      const signUp = await door.call('POST', '/v1/readers', {
        body: { email: `remote.${Date.now()}@example.com`, password: 'pass phrase 1' },
      });
      expect(signUp.status).toBe(201);
      const readerId = signUp.json.reader.id;
      await other.execute({ sql: 'DELETE FROM readers WHERE id = ?', args: [readerId] });
      const left = await other.execute({
        sql: 'SELECT (SELECT count(*) FROM sessions WHERE reader_id = ?) + (SELECT count(*) FROM memberships WHERE reader_id = ?) AS n',
        args: [readerId, readerId],
      });
      expect(left.rows[0]?.n).toBe(0);
    } finally {
      other.close();
    }
  });
});
