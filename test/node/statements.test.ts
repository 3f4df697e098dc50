/**
 * @module The payout statements journey on the Node door, over a libSQL file and over a remote
 * libSQL server (Hrana); and a month of several pages verified server-side, as the console does.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPublisherStatement } from '../../src/features/payouts';
import { statementsJourney } from '../journeys/statements';
import { createPublisher } from '../support/door';
import { type HranaServer, startHranaServer } from '../support/hrana';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

describe('libSQL file', () => {
  let door: NodeDoor;
  beforeAll(async () => {
    door = await startNodeDoor();
  });
  afterAll(() => door.close());
  statementsJourney(() => door);
});

describe('libSQL file, with the period ledger in two shards (docs/LEDGER.md)', () => {
  let door: NodeDoor;
  beforeAll(async () => {
    door = await startNodeDoor({}, { ledger: { shards: 2 } });
  });
  afterAll(() => door.close());
  statementsJourney(() => door);
});

describe('remote libSQL (Hrana)', () => {
  let server: HranaServer;
  let door: NodeDoor;
  beforeAll(async () => {
    server = await startHranaServer();
    door = await startNodeDoor({ DATABASE_URL: server.url, LOG_LEVEL: 'warn' });
  }, 60_000);
  afterAll(async () => {
    door?.close();
    await server?.close();
  });
  statementsJourney(() => door);
});

describe('a month larger than one page, verified server-side for the console', () => {
  let door: NodeDoor;
  beforeAll(async () => {
    door = await startNodeDoor();
  });
  afterAll(() => door.close());

  it('builds the tree over several pages and verifies it with every page of leaves streamed', async () => {
    const { publisher } = await createPublisher(door, 'Big Month Daily', ['https://big.example']);
    // 12 001 reads: more than one page of the build (10 000) and of the server-side check.
    await door.query(
      sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < 12000)
          insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
          select ${publisher.id}, 'prw_' || (i % 977), 'article-' || i, '1996-02-' || printf('%02d', 1 + i % 29), 'paid', 1, 0 from n`,
    );
    const made = await door.call('POST', '/v1/admin/payouts', {
      token: door.adminKey,
      body: { month: '1996-02', amount: 999_999, currency: 'EUR' },
    });
    expect(made.status, made.text).toBe(201);
    expect(made.json.reads).toBe(12_001);
    const viewer = {
      publisherId: publisher.id,
      actor: { keyId: 'rdr_viewer', role: 'viewer' as const },
      requestId: 'req_test',
    };
    const result = await verifyPublisherStatement({
      ctx: door.ctx,
      principal: viewer,
      input: { month: '1996-02' },
    });
    expect(
      result.checks.filter((c) => c.status !== 'pass'),
      JSON.stringify(result.checks),
    ).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.line).toMatchObject({ reads: 12_001, amount: 999_999 });
    expect(result.statement.payout.id).toBe(made.json.id);
  });
});
