/**
 * @module The period ledger in workerd (docs/LEDGER.md): a ring of twelve D1 bindings holding six
 * months of two shards, the archive in R2. A month is sealed into its slots, a month two later
 * that needs the same slots is refused (409) until the first is archived, and then both
 * statements verify, the archived one from R2.
 */
import { env } from 'cloudflare:test';
import type { StatementLeaf } from '@onepass/verify/statement';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contextFromBindings, type WorkerBindings } from '../../src/app/worker-context';
import { d1Db } from '../../src/db/client';
import { runLedgerJobs } from '../../src/features/ledger/jobs';
import { ringSlot, shardOf } from '../../src/features/ledger/partition';
import { verifyOn } from '../journeys/statements';
import { createPublisher } from '../support/door';
import { workersDoor as door } from '../support/workers-door';

const db = d1Db(env.DB);

async function seed(publisherId: string, month: string, reads: number) {
  await db.run(
    sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < ${reads - 1})
        insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
        select ${publisherId}, 'prw_' || (i % 7), 'story-' || i, ${month} || '-' || printf('%02d', 1 + i % 28),
          'paid', 1, 0 from n`,
  );
}

async function statementOf(key: string, month: string) {
  const answer = await door.call('GET', `/v1/publisher/statements/${month}?limit=1000`, { token: key });
  expect(answer.status, answer.text).toBe(200);
  return answer.json as { statement: string; leaves: StatementLeaf[] };
}

/** The month's statement in euros, made (201) or answered again (200). */
const pay = (month: string) =>
  door.call('POST', '/v1/admin/payouts', {
    token: door.adminKey,
    body: { month, amount: 1000, currency: 'EUR' },
  });

const verify = (doc: { statement: string; leaves: StatementLeaf[] }, publisherId: string) =>
  verifyOn(door, doc, publisherId);

describe('the period ledger on D1 and R2', () => {
  it('rings its D1 bindings: a slot is reused only after its month is archived', async () => {
    const p = await createPublisher(door, 'Ring Daily', ['https://ring.example']);
    await seed(p.publisher.id, '1998-01', 120);
    await seed(p.publisher.id, '1998-07', 40);

    const january = await pay('1998-01');
    expect(january.status, january.text).toBe(201);
    expect(january.json.reads).toBe(120);
    // Sealing added each day's figures in the cursor's batch (D1 runs a batch as one transaction).
    const figures = await db.all<{ reads: number; readers: number; days: number }>(
      sql`select sum(reads) as reads, sum(readers) as readers, count(*) as days from read_days
          where publisher_id = ${p.publisher.id} and day like '1998-01-%'`,
    );
    const truth = await db.all<{ readers: number }>(
      sql`select count(*) as readers from (select distinct subject, day from reads
          where publisher_id = ${p.publisher.id} and day like '1998-01-%')`,
    );
    expect(figures[0]).toEqual({ reads: 120, readers: truth[0]?.readers, days: 28 });

    // The publisher's shard of January is claimed in its slot of the ring.
    const slot = ringSlot('1998-01', shardOf(p.publisher.id, 2), 2, 12);
    expect(ringSlot('1998-07', shardOf(p.publisher.id, 2), 2, 12)).toBe(slot);
    const meta = await d1Db(env[`LEDGER_${slot}`] as D1Database).all<{ month: string }>(
      sql`select month from ledger_meta`,
    );
    expect(meta).toEqual([{ month: '1998-01' }]);

    // July needs January's slots: refused until January is archived.
    const july = await pay('1998-07');
    expect(july.status, july.text).toBe(409);
    expect(july.json.detail).toMatch(/still holds 1998-01/);

    const ctx = await contextFromBindings(env as unknown as WorkerBindings);
    const jobs = await runLedgerJobs({ ...ctx, now: () => new Date('1998-08-02T12:00:00Z') });
    expect(jobs?.archived).toContain('1998-01');
    const manifest = await env.LEDGER_ARCHIVE.get('ledger/1998-01/manifest.json');
    expect(manifest).not.toBeNull();
    expect(JSON.parse((await manifest?.text()) ?? '{}').publishers[p.publisher.id].reads).toBe(120);

    const status = await door.call('GET', '/v1/admin/ledger', { token: door.adminKey });
    expect(status.status, status.text).toBe(200);
    expect(status.json).toMatchObject({ enabled: true, shards: 2, hot_days: 62 });
    const months = new Map(status.json.months.map((m: { month: string }) => [m.month, m]));
    expect(months.get('1998-01')).toMatchObject({ days_sealed: 31, reads: 120, statement_signed: true });
    expect((months.get('1998-01') as { archived_at: string | null }).archived_at).not.toBeNull();

    const again = await pay('1998-07');
    expect(again.status, again.text).toBe(201);
    expect(again.json.reads).toBe(40);
    const jan = await statementOf(p.api_key, '1998-01');
    expect(jan.leaves).toHaveLength(120);
    expect((await verify(jan, p.publisher.id)).ok).toBe(true);
    expect((await verify(await statementOf(p.api_key, '1998-07'), p.publisher.id)).ok).toBe(true);
  });

  it('reads a shard whose slot holds another month as empty, and releases only its own month’s slots', async () => {
    // Two publishers in different shards: P reads in 1997-08 only, Q in 1997-02 only (one ring group,
    // which the test above leaves unused).
    const p = await createPublisher(door, 'Shard P Daily', ['https://shard-p.example']);
    let q = await createPublisher(door, 'Shard Q Daily', ['https://shard-q.example']);
    for (let i = 0; shardOf(q.publisher.id, 2) === shardOf(p.publisher.id, 2); i++) {
      q = await createPublisher(door, `Shard Q Daily ${i}`, [`https://shard-q${i}.example`]);
    }
    expect(ringSlot('1997-02', 0, 2, 12)).toBe(ringSlot('1997-08', 0, 2, 12));
    await seed(q.publisher.id, '1997-02', 30);
    await seed(p.publisher.id, '1997-08', 20);
    const ctx = await contextFromBindings(env as unknown as WorkerBindings);
    const ledger = ctx.ledger;
    if (!ledger) throw new Error('no ledger');
    // February seals into Q's slot only; August's statement then needs P's slot alone, which is free.
    const { sealMonth } = await import('../../src/features/ledger/seal');
    expect(await sealMonth(ctx, ledger, '1997-02', { pages: 100 })).toBe(true);
    const august = await pay('1997-08');
    expect(august.status, august.text).toBe(201);
    expect(august.json.reads).toBe(20);
    // February's statement and archive release February's slot, and leave August's rows where they are.
    expect((await pay('1997-02')).status).toBe(201);
    const jobs = await runLedgerJobs({ ...ctx, now: () => new Date('1997-09-02T12:00:00Z') });
    expect(jobs?.archived).toContain('1997-02');
    const doc = await statementOf(p.api_key, '1997-08');
    expect(doc.leaves).toHaveLength(20);
    expect((await verify(doc, p.publisher.id)).ok).toBe(true);
  });
});
