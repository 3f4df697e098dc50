/**
 * @module The period ledger on the Node door (docs/LEDGER.md), on libSQL files: ended days sealed
 * from `reads` into per-month shard databases, exactly once under concurrent sealers; `reads`
 * trimmed to its hot days; the statement made from the ledger after the hot rows are gone and
 * verified by the SDK; the month archived, its period databases removed, its leaves then served
 * from the archive and still provable; a changed archive caught by the SDK.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StatementLeaf } from '@onepass/verify/statement';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeChunk, encodeChunk } from '../../src/features/ledger/archive-format';
import { runLedgerJobs } from '../../src/features/ledger/jobs';
import { monthLeafSource } from '../../src/features/ledger/leaves';
import { sealDay } from '../../src/features/ledger/seal';
import { verifyOn } from '../journeys/statements';
import { createPublisher } from '../support/door';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let now = new Date('2026-11-20T12:00:00Z');
let door: NodeDoor;
beforeAll(async () => {
  door = await startNodeDoor({}, { clock: () => now, ledger: { shards: 2, hotDays: 10 } });
});
afterAll(() => door.close());

/** `perDay` reads a day of `days` November days for a publisher, through SQL (the hot table's own shape). */
async function seed(publisherId: string, days: number, perDay: number) {
  await door.query(
    sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < ${days * perDay - 1})
        insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
        select ${publisherId}, 'prw_' || (i % 37), 'story-' || (i / 37), '2026-11-' || printf('%02d', 1 + i % ${days}),
          'paid', 1, 0 from n`,
  );
}

async function statementOf(key: string) {
  const leaves: StatementLeaf[] = [];
  let url = '/v1/publisher/statements/2026-11?currency=EUR&limit=500';
  let statement = '';
  for (;;) {
    const answer = await door.call('GET', url, { token: key });
    expect(answer.status, answer.text).toBe(200);
    statement = answer.json.statement;
    leaves.push(...answer.json.leaves);
    if (!answer.json.next_cursor) return { statement, leaves };
    url = `/v1/publisher/statements/2026-11?currency=EUR&limit=500&cursor=${answer.json.next_cursor}`;
  }
}

const verify = (doc: { statement: string; leaves: StatementLeaf[] }, publisherId: string) =>
  verifyOn(door, doc, publisherId);

const count = async (statement: ReturnType<typeof sql>) =>
  Number((await door.query<{ n: number }>(statement))[0]?.n);

describe('the period ledger', () => {
  let a: { publisher: { id: string }; api_key: string };
  let b: { publisher: { id: string }; api_key: string };

  it('seals each ended day once, exactly, even with two sealers on one day', async () => {
    a = await createPublisher(door, 'Ledger Alpha', ['https://ledger-a.example']);
    b = await createPublisher(door, 'Ledger Beta', ['https://ledger-b.example']);
    await seed(a.publisher.id, 19, 130); // 2,470 reads over 1–19 November: pages of 1,000
    await seed(b.publisher.id, 19, 3);
    // Today (the 20th) is not ended: nothing of it is sealed.
    await door.query(
      sql`insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
          values (${a.publisher.id}, 'prw_today', 'today', '2026-11-20', 'paid', 1, 0)`,
    );
    // What each publisher's days hold, before any of it is sealed or trimmed.
    const truth = await door.query<{ publisher_id: string; day: string; reads: number; readers: number }>(
      sql`select publisher_id, day, count(*) as reads, count(distinct subject) as readers from reads
          where day < '2026-11-20' group by publisher_id, day order by publisher_id, day`,
    );
    const day = '2026-11-03';
    const ledger = door.ctx.ledger;
    if (!ledger) throw new Error('the door has no ledger');
    const both = await Promise.all([0, 1].map(() => sealDay(door.ctx, ledger, day, { pages: 10 })));
    expect(both).toEqual([true, true]);
    const hot = await count(sql`select count(*) as n from reads where day = ${day}`);
    const [state] = await door.query<{ moved: number; sealed_at: number | null }>(
      sql`select moved, sealed_at from ledger_days where day = ${day}`,
    );
    expect(state?.moved).toBe(hot);
    expect(state?.sealed_at).not.toBeNull();

    const result = await runLedgerJobs(door.ctx);
    expect(result?.sealed).toBe(18); // the 3rd was sealed above
    const days = await door.query<{ day: string; moved: number }>(
      sql`select day, moved from ledger_days where sealed_at is not null order by day`,
    );
    expect(days.map((d) => d.day)).toEqual(
      Array.from({ length: 19 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`),
    );
    expect(days.reduce((sum, d) => sum + d.moved, 0)).toBe(19 * 133);
    // Each publisher's reads are in the one shard file of its month.
    expect(
      readdirSync(path.join(door.dir, 'ledger'))
        .filter((f) => f.endsWith('.db'))
        .sort(),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/^2026-11-[01]\.db$/)]));
    // The days' figures, added page by page (two sealers raced on the 3rd), are the days' own.
    const figures = await door.query<{ publisher_id: string; day: string; reads: number; readers: number }>(
      sql`select publisher_id, day, reads, readers from read_days order by publisher_id, day`,
    );
    expect(figures).toEqual(truth);
    // 10 hot days: the days before 10 November left `reads`, and none of today's.
    expect(await count(sql`select count(*) as n from reads where day < '2026-11-10'`)).toBe(0);
    expect(await count(sql`select count(*) as n from reads where day >= '2026-11-10'`)).toBe(10 * 133 + 1);
  });

  it('reports days that left `reads` from the days’ figures, and distinct readers only over hot days', async () => {
    const month = await door.call('GET', '/v1/publisher/reads?from=2026-11-01&to=2026-11-20', {
      token: a.api_key,
    });
    expect(month.status, month.text).toBe(200);
    expect(month.json.reads).toBe(19 * 130 + 1);
    expect(month.json.unique_readers).toBeNull();
    expect(month.json.days[0]).toEqual({ date: '2026-11-01', reads: 130, unique_readers: 37 });
    expect(month.json.days[19]).toEqual({ date: '2026-11-20', reads: 1, unique_readers: 1 });
    const hot = await door.call('GET', '/v1/publisher/reads?from=2026-11-12&to=2026-11-20', {
      token: a.api_key,
    });
    expect(hot.json.unique_readers).toBe(38);
    const admin = await door.call('GET', '/v1/admin/reads?from=2026-11-01&to=2026-11-30', {
      token: door.adminKey,
    });
    expect(admin.status, admin.text).toBe(200);
    const line = admin.json.publishers.find((p: { id: string }) => p.id === b.publisher.id);
    expect(line).toMatchObject({ reads: 19 * 3, unique_readers: null, reads_per_reader: null });
  });

  it('makes the statement from the ledger after the hot rows are gone, and the SDK verifies it', async () => {
    now = new Date('2026-12-01T00:02:00Z');
    // The month ended two minutes ago: its last day is not settled yet.
    const early = await door.call('POST', '/v1/admin/payouts', {
      token: door.adminKey,
      body: { month: '2026-11', amount: 10_000, currency: 'EUR' },
    });
    expect(early.status, early.text).toBe(409);
    now = new Date('2026-12-02T09:00:00Z');
    await runLedgerJobs(door.ctx); // trims through the 21st: the statement cannot count `reads`
    expect(await count(sql`select count(*) as n from reads where day < '2026-11-22'`)).toBe(0);
    const made = await door.call('POST', '/v1/admin/payouts', {
      token: door.adminKey,
      body: { month: '2026-11', amount: 10_000, currency: 'EUR' },
    });
    expect(made.status, made.text).toBe(201);
    expect(made.json.reads).toBe(19 * 133 + 1);
    const docA = await statementOf(a.api_key);
    expect(docA.leaves).toHaveLength(19 * 130 + 1);
    expect((await verify(docA, a.publisher.id)).ok).toBe(true);
    expect((await verify(await statementOf(b.api_key), b.publisher.id)).ok).toBe(true);
  });

  it('archives the month, frees its databases, and serves provable leaves from the archive', async () => {
    const before = await statementOf(a.api_key);
    // A reader of the ledger that overlaps the archive's release: taken before, used after.
    const stale = await monthLeafSource(door.ctx, '2026-11');
    const result = await runLedgerJobs(door.ctx);
    expect(result?.archived).toEqual(['2026-11']);
    const [month] = await door.query<{ reads: number; manifest: string }>(
      sql`select reads, manifest from ledger_months where month = '2026-11'`,
    );
    expect(month?.reads).toBe(19 * 133 + 1);
    expect(existsSync(path.join(door.dir, 'ledger', '2026-11-0.db'))).toBe(false);
    expect(existsSync(path.join(door.dir, 'ledger', '2026-11-1.db'))).toBe(false);
    const manifest = JSON.parse(readFileSync(path.join(door.dir, 'archive', month?.manifest ?? ''), 'utf8'));
    expect(manifest.publishers[a.publisher.id].reads).toBe(19 * 130 + 1);

    const status = await door.call('GET', '/v1/admin/ledger', { token: door.adminKey });
    expect(status.status, status.text).toBe(200);
    expect(status.json).toMatchObject({
      enabled: true,
      shards: 2,
      hot_days: 10,
      // November was sealed whole for its statement; days without reads leave nothing to trim.
      sealed_through: '2026-11-30',
      trimmed_through: '2026-11-20',
      backlog: [],
    });
    expect(status.json.months).toHaveLength(1);
    expect(status.json.months[0]).toMatchObject({
      month: '2026-11',
      days_sealed: 30,
      reads: 19 * 133 + 1,
      statement_signed: true,
      archived_at: expect.stringMatching(/^2026-12-02T/),
    });

    // Its page is read again from the archive; its walk is refused, so nothing is signed from it.
    expect(await stale.leaves(a.publisher.id, null, 5)).toEqual(before.leaves.slice(0, 5));
    const walk = async () => {
      for await (const _ of stale.walk());
    };
    await expect(walk()).rejects.toMatchObject({ code: 'conflict' });

    const after = await statementOf(a.api_key);
    expect(after).toEqual(before);
    expect((await verify(after, a.publisher.id)).ok).toBe(true);
    // A second currency's statement of the archived month is made from the archive, with the same roots.
    const usd = await door.call('POST', '/v1/admin/payouts', {
      token: door.adminKey,
      body: { month: '2026-11', amount: 500, currency: 'USD' },
    });
    expect(usd.status, usd.text).toBe(201);
    expect(usd.json.reads).toBe(19 * 133 + 1);

    // One leaf changed in the archive: the publisher's own check fails.
    const chunk = path.join(door.dir, 'archive', manifest.publishers[b.publisher.id].chunks[0].key);
    const leaves = await decodeChunk(new Uint8Array(readFileSync(chunk)));
    leaves[0] = { ...leaves[0], day: '2026-11-30' } as StatementLeaf; // still in tree order
    writeFileSync(chunk, await encodeChunk(leaves));
    const forged = await verify(await statementOf(b.api_key), b.publisher.id);
    expect(forged.ok).toBe(false);
    expect(forged.failed?.name).toBe('subtree_root');
  });
});

describe('the sealing budget', () => {
  it('seals a little each run and picks up where the last run stopped, counting every read once', async () => {
    const small = await startNodeDoor(
      { LEDGER_SEAL_PAGES: '2' },
      { clock: () => new Date('2026-11-20T12:00:00Z'), ledger: { shards: 1 } },
    );
    try {
      const p = await createPublisher(small, 'Budget Daily', ['https://budget.example']);
      await small.query(
        sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < 4499)
            insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
            select ${p.publisher.id}, 'prw_' || i, 'story', '2026-11-0' || (1 + i % 3), 'paid', 1, 0 from n`,
      );
      // Before any run: every ended day waits.
      const waiting = await small.call('GET', '/v1/admin/ledger', { token: small.adminKey });
      expect(waiting.json.backlog).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
      const runs: number[] = [];
      for (let run = 0; run < 10; run++) runs.push((await runLedgerJobs(small.ctx))?.sealed ?? -1);
      // 1,500 reads a day are two pages, then the empty page that seals the day: two pages a run
      // seal the days after the 2nd, 3rd and 5th runs.
      expect(runs).toEqual([0, 1, 1, 0, 1, 0, 0, 0, 0, 0]);
      const days = await small.query<{ moved: number; sealed_at: number | null }>(
        sql`select moved, sealed_at from ledger_days order by day`,
      );
      expect(days.map((d) => d.moved)).toEqual([1500, 1500, 1500]);
      expect(days.every((d) => d.sealed_at !== null)).toBe(true);
    } finally {
      small.close();
    }
  });
});

describe('a month whose ledger does not match its signed statement', () => {
  it('is not archived, keeps its ledger, and holds up no other work', async () => {
    const d = await startNodeDoor(
      {},
      { clock: () => new Date('2026-12-10T12:00:00Z'), ledger: { shards: 1 } },
    );
    try {
      const p = await createPublisher(d, 'Mismatch Daily', ['https://mismatch.example']);
      await d.query(
        sql`insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
            values (${p.publisher.id}, 'prw_1', 'a', '2026-11-05', 'paid', 1, 0),
                   (${p.publisher.id}, 'prw_1', 'b', '2026-12-05', 'paid', 1, 0)`,
      );
      // A signed statement of November whose line claims another subtree than the ledger holds.
      await d.query(
        sql`insert into payouts (id, month, currency, amount, reads, created_at, created_by, root, statement)
            values ('pay_mismatchaaaaaaaaaaaa', '2026-11', 'EUR', 10, 1, 0, 'ak_x', ${'0'.repeat(64)}, 'x.y.z')`,
      );
      await d.query(
        sql`insert into payout_lines (payout_id, publisher_id, publisher_name, reads, amount, root)
            values ('pay_mismatchaaaaaaaaaaaa', ${p.publisher.id}, 'Mismatch Daily', 1, 10, ${'f'.repeat(64)})`,
      );
      const result = await runLedgerJobs(d.ctx);
      expect(result?.archived).toEqual([]);
      // November was sealed by the archive's attempt, December's day by the run after it.
      expect(result?.sealed).toBe(1);
      const sealed = await d.query<{ day: string; moved: number }>(
        sql`select day, moved from ledger_days where moved > 0 and sealed_at is not null order by day`,
      );
      expect(sealed).toEqual([
        { day: '2026-11-05', moved: 1 },
        { day: '2026-12-05', moved: 1 },
      ]);
      expect(await d.query(sql`select month from ledger_months`)).toEqual([]);
      expect(existsSync(path.join(d.dir, 'ledger', '2026-11-0.db'))).toBe(true);
    } finally {
      d.close();
    }
  });
});

describe('without a ledger', () => {
  it('says so on GET /v1/admin/ledger', async () => {
    const plain = await startNodeDoor();
    try {
      const status = await plain.call('GET', '/v1/admin/ledger', { token: plain.adminKey });
      expect(status.status, status.text).toBe(200);
      expect(status.json).toEqual({
        enabled: false,
        shards: null,
        hot_days: null,
        sealed_through: null,
        trimmed_through: null,
        backlog: [],
        months: [],
      });
      expect((await plain.call('GET', '/v1/admin/ledger')).status).toBe(401);
    } finally {
      plain.close();
    }
  });
});
