/**
 * @module The reads ledger on a remote libSQL database (the Hrana server, as Turso or sqld would
 * serve it): the Node door's remote ledger adapter under the real sealing, statement and archive.
 * One Hrana server is one database, so the ledger here is that one database for its one month, and
 * the service's own database is a second server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Client, createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLedgerJobs } from '../../src/features/ledger/jobs';
import { claimLedgerDb, emptyLedgerDb, type Ledger } from '../../src/features/ledger/ledger';
import { directoryArchive, libsqlLedger } from '../../src/features/ledger/node-ledger';
import { verifyOn } from '../journeys/statements';
import { createPublisher } from '../support/door';
import { type HranaServer, startHranaServer } from '../support/hrana';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let server: HranaServer;
let serviceServer: HranaServer;
let client: Client;
let door: NodeDoor;
let archiveDir: string;

beforeAll(async () => {
  server = await startHranaServer();
  // The service database is remote too: sealing's batch (the cursor and the day's figures,
  // `changes()` between them) runs over Hrana as it would over Turso.
  serviceServer = await startHranaServer();
  client = createClient({ url: server.url });
  archiveDir = mkdtempSync(path.join(tmpdir(), 'onepass-remote-archive-'));
  door = await startNodeDoor(
    { DATABASE_URL: serviceServer.url, LOG_LEVEL: 'warn' },
    { clock: () => new Date('2026-12-03T12:00:00Z') },
  );
  const db = libsqlLedger(client);
  const ledger: Ledger = {
    shards: 1,
    hotDays: 62,
    sealPages: 100,
    archive: directoryArchive(archiveDir),
    open: (month) => claimLedgerDb(db, server.url, month),
    release: (month) => emptyLedgerDb(db, server.url, month),
  };
  // The door's context is the app's: the ledger it runs with is this remote one.
  door.ctx.ledger = ledger;
}, 60_000);

afterAll(async () => {
  door?.close();
  client?.close();
  await server?.close();
  await serviceServer?.close();
  rmSync(archiveDir, { recursive: true, force: true });
});

describe('the reads ledger on remote libSQL (Hrana)', () => {
  it('seals, makes a verifiable statement, archives and releases the remote database', async () => {
    const p = await createPublisher(door, 'Remote Ledger Daily', ['https://remote-ledger.example']);
    await door.query(
      sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < 2499)
          insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
          select ${p.publisher.id}, 'prw_' || (i % 41), 'story-' || i, '2026-11-' || printf('%02d', 1 + i % 30),
            'paid', 1, 0 from n`,
    );
    const made = await door.call('POST', '/v1/admin/payouts', {
      token: door.adminKey,
      body: { month: '2026-11', amount: 500, currency: 'EUR' },
    });
    expect(made.status, made.text).toBe(201);
    expect(made.json.reads).toBe(2500);
    const remote = await client.execute('select count(*) as n from ledger_reads');
    expect(Number(remote.rows[0]?.n)).toBe(2500);
    const figures = await door.query<{ reads: number; readers: number }>(
      sql`select sum(reads) as reads, sum(readers) as readers from read_days where publisher_id = ${p.publisher.id}`,
    );
    const truth = await door.query<{ n: number }>(
      sql`select count(*) as n from (select distinct subject, day from reads where publisher_id = ${p.publisher.id})`,
    );
    expect(figures[0]).toEqual({ reads: 2500, readers: truth[0]?.n });

    const fetchAll = async () => {
      const answer = await door.call('GET', '/v1/publisher/statements/2026-11?limit=5000', {
        token: p.api_key,
      });
      expect(answer.status, answer.text).toBe(200);
      return answer.json;
    };
    const before = await fetchAll();
    expect((await verifyOn(door, before, p.publisher.id)).ok).toBe(true);

    const jobs = await runLedgerJobs(door.ctx);
    expect(jobs?.archived).toEqual(['2026-11']);
    const emptied = await client.execute(
      'select (select count(*) from ledger_reads) + (select count(*) from ledger_meta) as n',
    );
    expect(Number(emptied.rows[0]?.n)).toBe(0);
    const after = await fetchAll();
    expect(after.leaves).toEqual(before.leaves);
    expect((await verifyOn(door, after, p.publisher.id)).ok).toBe(true);
  });
});
