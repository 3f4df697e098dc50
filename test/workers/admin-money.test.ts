/** @module Payout statements and reads per publisher in workerd + D1: split, stored once, CSV, refusals. */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { auditCount, auditRowsFor, expectProblem, seedReads } from './admin-helpers';
import { adminKey, call, countRows, createPublisher } from './helpers';

const admin = (method: string, path: string, body?: unknown) =>
  call(method, path, { token: adminKey(), body });

/** Backdates a publisher's onboarding, so that it belongs to an old month's statement. */
async function onboardedAt(publisherId: string, iso: string) {
  await env.DB.prepare('UPDATE publishers SET created_at = ? WHERE id = ?')
    .bind(Date.parse(iso) / 1000, publisherId)
    .run();
}

describe('POST /v1/admin/payouts', () => {
  it('splits by the month’s reads, stores once, and answers the stored statement again', async () => {
    const daily = (await createPublisher('The Daily Example', ['https://daily.example'])).publisher.id;
    const quoted = (await createPublisher('The "Quoted", Times', ['https://quoted.example'])).publisher.id;
    const formula = (await createPublisher('=HYPERLINK("x")', ['https://formula.example'])).publisher.id;
    const quiet = (await createPublisher('The Quiet Gazette', ['https://quiet.example'])).publisher.id;
    await onboardedAt(quiet, '2024-01-01T00:00:00Z');
    await seedReads(daily, '2024-03-01', 2, 'trial', 'd1');
    await seedReads(daily, '2024-03-31', 2, 'paid', 'd2');
    await seedReads(quoted, '2024-03-15', 1, 'trial', 'q');
    await seedReads(formula, '2024-03-15', 1, 'comp', 'f');
    // Outside the month: not counted.
    await seedReads(daily, '2024-02-29', 5, 'paid', 'before');
    await seedReads(quoted, '2024-04-01', 5, 'paid', 'after');

    const res = await admin('POST', '/v1/admin/payouts', { month: '2024-03', amount: 1001, currency: 'EUR' });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      id: expect.stringMatching(/^pay_/),
      month: '2024-03',
      amount: 1001,
      currency: 'EUR',
      reads: 6,
    });
    const lines = new Map(res.json.lines.map((l: { publisher: string }) => [l.publisher, l]));
    // 1001 × 4/6 = 667.33, × 1/6 = 166.83 (twice): floors 667 + 166 + 166 = 999; the two units left go
    // to the two larger remainders (the 1/6 shares), ties by publisher id.
    expect(lines.get(daily)).toMatchObject({ reads: 4, amount: 667, publisher_name: 'The Daily Example' });
    expect(lines.get(quoted)).toMatchObject({ reads: 1, amount: 167 });
    expect(lines.get(formula)).toMatchObject({ reads: 1, amount: 167 });
    expect(lines.get(quiet)).toMatchObject({ reads: 0, amount: 0 });
    expect(res.json.lines.reduce((s: number, l: { amount: number }) => s + l.amount, 0)).toBe(1001);
    const audit = await auditRowsFor(res.json.id);
    expect(audit.map((r) => r.action)).toEqual(['payout.create']);
    expect(JSON.parse(audit[0]?.after ?? '{}')).toMatchObject({ month: '2024-03', amount: 1001, reads: 6 });

    // Reads arrive late and the amount differs: the stored statement stands, unchanged.
    await seedReads(quoted, '2024-03-20', 3, 'paid', 'late');
    const again = await admin('POST', '/v1/admin/payouts', {
      month: '2024-03',
      amount: 5000,
      currency: 'EUR',
    });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toEqual(res.json);
    expect(await auditRowsFor(res.json.id)).toHaveLength(1);
    // Another currency is another statement. The period ledger is on in workerd: the first statement
    // sealed March into it, so rows written into `reads` for a sealed day afterwards (only a direct
    // write can do that) are in no statement, and every currency splits the same 6 reads.
    const usd = await admin('POST', '/v1/admin/payouts', { month: '2024-03', amount: 10, currency: 'USD' });
    expect(usd.status).toBe(201);
    expect(usd.json.reads).toBe(6);

    const got = await admin('GET', `/v1/admin/payouts/${res.json.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(res.json);

    for (const path of [
      `/v1/admin/payouts/${res.json.id}.csv`,
      `/v1/admin/payouts/${res.json.id}?format=csv`,
    ]) {
      const csv = await admin('GET', path);
      expect(csv.status, csv.text).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const rows = csv.text.trimEnd().split('\r\n');
      expect(rows[0]).toBe('month,currency,publisher_id,publisher_name,reads,amount');
      expect(rows).toHaveLength(5);
      expect(rows).toContain(`2024-03,EUR,${quoted},"The ""Quoted"", Times",1,167`);
      expect(rows).toContain(`2024-03,EUR,${formula},"'=HYPERLINK(""x"")",1,167`);
      expect(rows).toContain(`2024-03,EUR,${daily},The Daily Example,4,667`);
    }

    const list = await admin('GET', '/v1/admin/payouts?limit=100');
    expect(list.json.data.map((p: { id: string }) => p.id)).toEqual(
      expect.arrayContaining([res.json.id, usd.json.id]),
    );
    // One statement a page, through the cursors: the same statements in the same order.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof admin>> = await admin(
        'GET',
        `/v1/admin/payouts?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status, page.text).toBe(200);
      expect(page.json.data.length).toBeLessThanOrEqual(1);
      paged.push(...page.json.data.map((p: { id: string }) => p.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(paged).toEqual(list.json.data.map((p: { id: string }) => p.id));
    expectProblem(await admin('GET', '/v1/admin/payouts/pay_aaaaaaaaaaaaaaaaaaaa'), 404, 'not_found');
    expectProblem(await admin('GET', '/v1/admin/payouts/pay_aaaaaaaaaaaaaaaaaaaa.csv'), 404, 'not_found');
  });

  it('stores one statement when the same month is asked for concurrently', async () => {
    const pub = (await createPublisher('Concurrent Courier', ['https://courier.example'])).publisher.id;
    await seedReads(pub, '2024-06-10', 3);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        admin('POST', '/v1/admin/payouts', { month: '2024-06', amount: 999, currency: 'GBP' }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
    const stored = await env.DB.prepare(
      "SELECT count(*) AS n FROM payouts WHERE month = '2024-06' AND currency = 'GBP'",
    ).first<{ n: number }>();
    expect(stored?.n).toBe(1);
    expect(await auditRowsFor(answers[0]?.json.id)).toHaveLength(1);
  });

  it('refuses bad input, unended months and months without reads, storing nothing', async () => {
    const pub = (await createPublisher('Refusal Review', ['https://refusal.example'])).publisher.id;
    await seedReads(pub, '2024-07-02', 1);
    const payouts = await countRows('payouts');
    const lines = await countRows('payout_lines');
    const audits = await auditCount();
    const now = new Date();
    const thisMonth = now.toISOString().slice(0, 7);
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
      .toISOString()
      .slice(0, 7);
    for (const body of [
      { month: '2024-13', amount: 100, currency: 'EUR' },
      { month: '2024-7', amount: 100, currency: 'EUR' },
      { month: '2024-07', amount: 0, currency: 'EUR' },
      { month: '2024-07', amount: -5, currency: 'EUR' },
      { month: '2024-07', amount: 1.5, currency: 'EUR' },
      { month: '2024-07', amount: 1_000_000_000_001, currency: 'EUR' },
      { month: '2024-07', amount: '100', currency: 'EUR' },
      { month: '2024-07', amount: 100, currency: 'eur' },
      { month: '2024-07', amount: 100, currency: 'EURO' },
      { month: '2024-07', amount: 100 },
    ]) {
      expectProblem(await admin('POST', '/v1/admin/payouts', body), 400, 'invalid_request');
    }
    for (const month of [thisMonth, nextMonth, '2024-08']) {
      expectProblem(
        await admin('POST', '/v1/admin/payouts', { month, amount: 100, currency: 'EUR' }),
        409,
        'conflict',
      );
    }
    expect(await countRows('payouts')).toBe(payouts);
    expect(await countRows('payout_lines')).toBe(lines);
    expect(await auditCount()).toBe(audits);
  });
});

describe('GET /v1/admin/reads', () => {
  it('counts reads and unique readers per publisher over the days asked for (both included)', async () => {
    const a = (await createPublisher('Reads Alpha', ['https://alpha.example'])).publisher.id;
    const b = (await createPublisher('Reads Beta', ['https://beta.example'])).publisher.id;
    await seedReads(a, '2023-05-01', 3, 'trial', 'same');
    await seedReads(a, '2023-05-02', 2, 'paid', 'same');
    await seedReads(b, '2023-05-31', 1);
    await seedReads(b, '2023-06-01', 4);
    const res = await admin('GET', '/v1/admin/reads?from=2023-05-01&to=2023-05-31');
    expect(res.status, res.text).toBe(200);
    expect(res.json.from).toBe('2023-05-01');
    const byId = new Map(res.json.publishers.map((p: { id: string }) => [p.id, p]));
    expect(byId.get(a)).toEqual({
      id: a,
      name: 'Reads Alpha',
      reads: 5,
      unique_readers: 3,
      reads_per_reader: 1.67,
      refused: 0,
      refused_by_reason: { daily_allowance: 0, other_article: 0, other_publisher: 0, inactive_token: 0 },
    });
    expect(byId.get(b)).toEqual({
      id: b,
      name: 'Reads Beta',
      reads: 1,
      unique_readers: 1,
      reads_per_reader: 1,
      refused: 0,
      refused_by_reason: { daily_allowance: 0, other_article: 0, other_publisher: 0, inactive_token: 0 },
    });
    expect(res.json.reads).toBeGreaterThanOrEqual(6);
    const day = await admin('GET', '/v1/admin/reads?from=2023-06-01&to=2023-06-01');
    expect(day.json.publishers.find((p: { id: string }) => p.id === b)?.reads).toBe(4);
    expect((await admin('GET', '/v1/admin/reads')).status).toBe(200);
    for (const query of [
      'from=2023-05-31&to=2023-05-01',
      'from=2023-02-30',
      'to=yesterday',
      'from=2000-01-01&to=2023-01-01',
    ]) {
      expectProblem(await admin('GET', `/v1/admin/reads?${query}`), 400, 'invalid_request');
    }
  });
});
