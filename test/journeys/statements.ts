/**
 * @module Payout statements, written once and run on every door: an admin makes a month's statement,
 * each publisher fetches it with its own leaves (paged) and the SDK verifies it against the door's
 * JWKS; nobody sees another publisher's leaves; tampering is caught; an older unsigned statement is
 * signed on first fetch when its reads are unchanged, refused (409) when they changed.
 */
import { type StatementLeaf, verifyStatement } from '@onepass/verify/statement';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createPublisher, type Door } from '../support/door';

async function seed(door: Door, publisherId: string, leaves: StatementLeaf[]) {
  for (const l of leaves) {
    await door.query(
      sql`insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
          values (${publisherId}, ${l.subject}, ${l.article_id}, ${l.day}, 'paid', 1, 0)`,
    );
  }
}

/** Every page of a publisher's statement of a month, `limit` leaves at a time. */
async function fetchAll(door: Door, key: string, month: string, limit: number) {
  let answer = await door.call('GET', `/v1/publisher/statements/${month}?limit=${limit}`, { token: key });
  expect(answer.status, answer.text).toBe(200);
  const first = answer.json;
  const leaves: StatementLeaf[] = [...first.leaves];
  let pages = 1;
  while (answer.json.next_cursor) {
    const next = new URL(answer.json.leaves_url);
    expect(next.searchParams.get('cursor')).toBe(answer.json.next_cursor);
    answer = await door.call('GET', `${next.pathname}${next.search}`, { token: key });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.statement).toBe(first.statement);
    leaves.push(...answer.json.leaves);
    pages++;
  }
  return { ...first, leaves, next_cursor: null, pages };
}

/** The SDK's own check of a statement and leaves, against the door's JWKS and issuer. */
export function verifyOn(
  door: Door,
  doc: { statement: string; leaves: StatementLeaf[] },
  publisherId: string,
) {
  return verifyStatement({
    statement: doc.statement,
    leaves: doc.leaves,
    publisherId,
    issuer: door.base,
    fetch: (input, init) => door.fetch(input as string, init),
  });
}

export function statementsJourney(door: () => Door): void {
  describe('payout statements', () => {
    it('are signed, fetched with the own leaves only, verified by the SDK, and catch tampering', async () => {
      const a = await createPublisher(door(), 'Statement Alpha', ['https://alpha.example']);
      const b = await createPublisher(door(), 'Statement Beta', ['https://beta.example']);
      const aLeaves: StatementLeaf[] = [
        { subject: 'sub-a-2', article_id: 'zeitung/ä', day: '1999-01-31' },
        { subject: 'sub-a-1', article_id: 'art-10', day: '1999-01-02' },
        { subject: 'sub-a-1', article_id: 'art-1', day: '1999-01-02' },
        { subject: 'sub-a-1', article_id: 'art-1', day: '1999-01-01' },
        { subject: 'sub-a-3', article_id: '😀', day: '1999-01-15' },
      ];
      await seed(door(), a.publisher.id, aLeaves);
      await seed(door(), b.publisher.id, [
        { subject: 'sub-b-1', article_id: 'b1', day: '1999-01-05' },
        { subject: 'sub-b-2', article_id: 'b1', day: '1999-01-05' },
      ]);
      // Outside the month: in no tree.
      await seed(door(), a.publisher.id, [{ subject: 'sub-a-1', article_id: 'art-1', day: '1999-02-01' }]);

      const hook = await door().call('POST', '/v1/publisher/webhooks', {
        token: b.api_key,
        body: { url: 'http://127.0.0.1:9/hooks', events: ['statement.published'] },
      });
      expect(hook.status, hook.text).toBe(201);

      const made = await door().call('POST', '/v1/admin/payouts', {
        token: door().adminKey,
        body: { month: '1999-01', amount: 1000, currency: 'EUR' },
      });
      expect(made.status, made.text).toBe(201);
      expect(made.json.root).toMatch(/^[0-9a-f]{64}$/);
      expect(made.json.statement.split('.')).toHaveLength(3);

      // Announced in the statement's batch to the publishers with a line and an endpoint for it.
      const announced = await door().query<{ publisher_id: string; body: string }>(
        sql`select publisher_id, body from webhook_messages where type = 'statement.published'
            and publisher_id in (${a.publisher.id}, ${b.publisher.id})`,
      );
      expect(announced.map((m) => m.publisher_id)).toEqual([b.publisher.id]);
      expect(JSON.parse(announced[0]?.body ?? '{}')).toMatchObject({
        type: 'statement.published',
        data: {
          id: made.json.id,
          month: '1999-01',
          currency: 'EUR',
          url: `${door().base}/v1/publisher/statements/1999-01?currency=EUR`,
        },
      });

      const list = await door().call('GET', '/v1/publisher/statements', { token: a.api_key });
      expect(list.status).toBe(200);
      expect(list.json.data).toContainEqual(
        expect.objectContaining({
          id: made.json.id,
          month: '1999-01',
          line: expect.objectContaining({ reads: 5, amount: 714 }),
        }),
      );

      const docA = await fetchAll(door(), a.api_key, '1999-01', 2);
      expect(docA.pages).toBe(3);
      expect(docA.publisher_id).toBe(a.publisher.id);
      expect(docA.statement).toBe(made.json.statement);
      // Tree order: subject, then article id, then day, bytewise.
      expect(docA.leaves.map((l: StatementLeaf) => `${l.subject} ${l.article_id} ${l.day}`)).toEqual([
        'sub-a-1 art-1 1999-01-01',
        'sub-a-1 art-1 1999-01-02',
        'sub-a-1 art-10 1999-01-02',
        'sub-a-2 zeitung/ä 1999-01-31',
        'sub-a-3 😀 1999-01-15',
      ]);
      const good = await verifyOn(door(), docA, a.publisher.id);
      expect(
        good.checks.filter((c) => c.status !== 'pass'),
        JSON.stringify(good.checks),
      ).toEqual([]);
      expect(good.ok).toBe(true);
      expect(good.payload?.iss).toBe(door().base);

      const docB = await fetchAll(door(), b.api_key, '1999-01', 1000);
      expect(docB.leaves.map((l: StatementLeaf) => l.subject)).toEqual(['sub-b-1', 'sub-b-2']);
      expect((await verifyOn(door(), docB, b.publisher.id)).ok).toBe(true);
      // A's leaves do not give B's subtree; one read less or one more is caught.
      expect((await verifyOn(door(), docA, b.publisher.id)).failed?.name).toBe('leaf_count');
      const fewer = await verifyOn(door(), { ...docA, leaves: docA.leaves.slice(1) }, a.publisher.id);
      expect(fewer.failed?.name).toBe('leaf_count');
      const changed = docA.leaves.map((l: StatementLeaf, i: number) =>
        i === 2 ? { ...l, day: '1999-01-03' } : l,
      );
      expect((await verifyOn(door(), { ...docA, leaves: changed }, a.publisher.id)).failed?.name).toBe(
        'subtree_root',
      );

      // A cursor is a position in one's own leaves only; junk is a 400.
      const bad = await door().call('GET', '/v1/publisher/statements/1999-01?cursor=%21%21', {
        token: b.api_key,
      });
      expect(bad.status).toBe(400);
      const c = await createPublisher(door(), 'Statement Gamma', ['https://gamma.example']);
      expect(
        (await door().call('GET', '/v1/publisher/statements/1999-01', { token: c.api_key })).status,
      ).toBe(404);
      expect(
        (await door().call('GET', '/v1/publisher/statements/1999-13', { token: c.api_key })).status,
      ).toBe(400);
      expect((await door().call('GET', '/v1/publisher/statements/1999-01')).status).toBe(401);
    });

    it('signs an older unsigned statement on first fetch, or refuses it when its reads changed', async () => {
      const a = await createPublisher(door(), 'Legacy Alpha', ['https://legacy.example']);
      await seed(door(), a.publisher.id, [
        { subject: 's1', article_id: 'x', day: '1999-03-01' },
        { subject: 's2', article_id: 'x', day: '1999-03-02' },
      ]);
      const legacy = (id: string, month: string, reads: number) => [
        sql`insert into payouts (id, month, currency, amount, reads, created_at, created_by)
            values (${id}, ${month}, 'EUR', 50, ${reads}, 0, 'ak_old')`,
        sql`insert into payout_lines (payout_id, publisher_id, publisher_name, reads, amount)
            values (${id}, ${a.publisher.id}, 'Legacy Alpha', ${reads}, 50)`,
      ];
      for (const statement of [
        ...legacy('pay_legacyaaaaaaaaaaaaaa', '1999-03', 2),
        ...legacy('pay_legacybbbbbbbbbbbbbb', '1999-04', 3),
      ]) {
        await door().query(statement);
      }
      const doc = await fetchAll(door(), a.api_key, '1999-03', 100);
      expect((await verifyOn(door(), doc, a.publisher.id)).ok).toBe(true);
      const stored = await door().query<{ statement: string; root: string }>(
        sql`select statement, root from payouts where id = 'pay_legacyaaaaaaaaaaaaaa'`,
      );
      expect(stored[0]?.statement).toBe(doc.statement);
      const audit = await door().query<{ action: string }>(
        sql`select action from audit_log where target_id = 'pay_legacyaaaaaaaaaaaaaa'`,
      );
      expect(audit.map((r) => r.action)).toEqual(['payout.sign']);
      // Two first fetches at once: one signature is stored, both answer it, one audit row.
      await seed(door(), a.publisher.id, [{ subject: 's1', article_id: 'x', day: '1999-05-01' }]);
      for (const statement of legacy('pay_legacycccccccccccccc', '1999-05', 1)) await door().query(statement);
      const both = await Promise.all(
        [0, 1].map(() => door().call('GET', '/v1/publisher/statements/1999-05', { token: a.api_key })),
      );
      expect(both.map((r) => r.status)).toEqual([200, 200]);
      const kept = await door().query<{ statement: string }>(
        sql`select statement from payouts where id = 'pay_legacycccccccccccccc'`,
      );
      expect(both.map((r) => r.json.statement)).toEqual([kept[0]?.statement, kept[0]?.statement]);
      const signings = await door().query<{ action: string }>(
        sql`select action from audit_log where target_id = 'pay_legacycccccccccccccc'`,
      );
      expect(signings).toHaveLength(1);
      // Its stored count (3) is not what the reads of 1999-04 (none) say: it cannot be signed.
      const refused = await door().call('GET', '/v1/publisher/statements/1999-04', { token: a.api_key });
      expect(refused.status, refused.text).toBe(409);
      const unsigned = await door().query<{ statement: string | null }>(
        sql`select statement from payouts where id = 'pay_legacybbbbbbbbbbbbbb'`,
      );
      expect(unsigned[0]?.statement).toBeNull();
    });
  });
}
