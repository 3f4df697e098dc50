import { describe, expect, it } from 'vitest';
import { call, createPublisher, signUp } from './helpers';
import { expectProblem, issueToken, sqlAll, sqlRun } from './publisher-helpers';

const today = () => new Date().toISOString().slice(0, 10);

function report(key: string, query = `from=${today()}&to=${today()}`) {
  return call('GET', `/v1/publisher/reads?${query}`, { token: key });
}

function read(key: string, token: string, article: Record<string, unknown>) {
  return call('POST', '/v1/reads', { token: key, body: { token, article } });
}

async function readsOf(publisherId: string) {
  return sqlAll<{ subject: string; article_id: string; reader_id: string | null; membership: string }>(
    'SELECT * FROM reads WHERE publisher_id = ? ORDER BY created_at, rowid',
    publisherId,
  );
}

describe('POST /v1/reads', () => {
  it('counts one read per reader, article and UTC day; a retry answers counted: false', async () => {
    const pub = await createPublisher('Daily', ['https://daily.example']);
    const alice = await signUp();
    const bob = await signUp();
    const aliceToken = await issueToken(alice.token, pub.publisher.id);
    const article = {
      id: 'budget-2027',
      title: 'The budget, line by line',
      url: 'https://daily.example/2026/budget?ref=home',
    };

    const first = await read(pub.api_key, aliceToken, article);
    expect(first.status, first.text).toBe(202);
    expect(first.json).toEqual({ counted: true });
    expect((await read(pub.api_key, aliceToken, article)).json).toEqual({
      counted: false,
      reason: 'already_counted',
    });
    // A fresh token of the same reader is the same pairwise reader: still one read today.
    const again = await issueToken(alice.token, pub.publisher.id);
    expect((await read(pub.api_key, again, { id: 'budget-2027' })).json).toEqual({
      counted: false,
      reason: 'already_counted',
    });
    expect((await read(pub.api_key, aliceToken, { id: 'weather' })).json).toEqual({ counted: true });
    const bobToken = await issueToken(bob.token, pub.publisher.id);
    expect((await read(pub.api_key, bobToken, article)).json).toEqual({ counted: true });

    const rows = await readsOf(pub.publisher.id);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      article_id: 'budget-2027',
      reader_id: alice.reader.id,
      membership: 'trial',
      title: article.title,
      url: article.url,
      day: today(),
    });
    expect(rows[0]?.subject).not.toContain(alice.reader.id);

    const numbers = await report(pub.api_key);
    expect(numbers.status, numbers.text).toBe(200);
    expect(numbers.json).toEqual({
      from: today(),
      to: today(),
      reads: 3,
      unique_readers: 2,
      days: [{ date: today(), reads: 3, unique_readers: 2 }],
    });
  });

  it("refuses another publisher's token (403) and any inactive token (400), counting nothing", async () => {
    const daily = await createPublisher('Daily', ['https://daily.example']);
    const gazette = await createPublisher('Gazette', ['https://gazette.example']);
    const reader = await signUp();
    const dailyToken = await issueToken(reader.token, daily.publisher.id);

    expectProblem(await read(gazette.api_key, dailyToken, { id: 'a' }), 403, 'forbidden');
    expectProblem(
      await read(daily.api_key, `${dailyToken.slice(0, -3)}AAA`, { id: 'a' }),
      400,
      'invalid_request',
    );
    expectProblem(await read(daily.api_key, 'not-a-token', { id: 'a' }), 400, 'invalid_request');

    const ended = await signUp();
    const endedToken = await issueToken(ended.token, daily.publisher.id);
    await sqlRun(
      'UPDATE memberships SET trial_ends_at = ? WHERE reader_id = ?',
      Math.floor(Date.now() / 1000) - 1,
      ended.reader.id,
    );
    expectProblem(await read(daily.api_key, endedToken, { id: 'a' }), 400, 'invalid_request');
    expect(await readsOf(daily.publisher.id)).toEqual([]);
    expect(await readsOf(gazette.publisher.id)).toEqual([]);
  });

  it('counts a token asked for one article only for that article', async () => {
    const pub = await createPublisher();
    const reader = await signUp();
    const token = await issueToken(reader.token, pub.publisher.id, 'budget-2027');
    const res = await read(pub.api_key, token, { id: 'another-article' });
    expectProblem(res, 400, 'invalid_request');
    expect(res.json.errors[0].path).toBe('article.id');
    expect((await read(pub.api_key, token, { id: 'budget-2027' })).json).toEqual({ counted: true });
  });

  it('validates the article: id, title and url bounded, url http(s) only', async () => {
    const pub = await createPublisher();
    const reader = await signUp();
    const token = await issueToken(reader.token, pub.publisher.id);
    const bad: Record<string, unknown>[] = [
      {},
      { id: '' },
      { id: 'x'.repeat(257) },
      { id: 'line\nbreak' },
      { id: 'a', title: 'x'.repeat(301) },
      { id: 'a', url: 'javascript:alert(1)' },
      { id: 'a', url: 'ftp://daily.example/a' },
      { id: 'a', url: 'https://user:pw@daily.example/a' },
      { id: 'a', url: '/relative/path' },
      { id: 'a', url: `https://daily.example/${'x'.repeat(2048)}` },
    ];
    for (const article of bad) {
      expectProblem(await read(pub.api_key, token, article), 400, 'invalid_request');
    }
    expectProblem(
      await call('POST', '/v1/reads', { token: pub.api_key, body: { article: { id: 'a' } } }),
      400,
      'invalid_request',
    );
    expect(await readsOf(pub.publisher.id)).toEqual([]);
  });
});

describe('GET /v1/publisher/reads', () => {
  it("shows the caller's own reads only, every day of the range", async () => {
    const daily = await createPublisher('Daily', ['https://daily.example']);
    const gazette = await createPublisher('Gazette', ['https://gazette.example']);
    const reader = await signUp();
    await read(daily.api_key, await issueToken(reader.token, daily.publisher.id), { id: 'a' });
    // Older reads, seeded on fixed days.
    for (const [day, subject] of [
      ['2026-01-02', 's1'],
      ['2026-01-02', 's2'],
      ['2026-01-04', 's1'],
    ] as const) {
      await sqlRun(
        "INSERT INTO reads (publisher_id, subject, article_id, day, membership, created_at) VALUES (?, ?, 'x', ?, 'paid', 0)",
        daily.publisher.id,
        subject,
        day,
      );
    }
    const range = await report(daily.api_key, 'from=2026-01-01&to=2026-01-05');
    expect(range.json).toEqual({
      from: '2026-01-01',
      to: '2026-01-05',
      reads: 3,
      unique_readers: 2,
      days: [
        { date: '2026-01-01', reads: 0, unique_readers: 0 },
        { date: '2026-01-02', reads: 2, unique_readers: 2 },
        { date: '2026-01-03', reads: 0, unique_readers: 0 },
        { date: '2026-01-04', reads: 1, unique_readers: 1 },
        { date: '2026-01-05', reads: 0, unique_readers: 0 },
      ],
    });
    expect((await report(daily.api_key)).json.reads).toBe(1);

    const foreign = await report(gazette.api_key, 'from=2026-01-01&to=2026-01-05');
    expect(foreign.json.reads).toBe(0);
    expect(foreign.json.days.every((d: { reads: number }) => d.reads === 0)).toBe(true);
    expect((await report(gazette.api_key)).json.reads).toBe(0);

    // Default: the last 30 days up to today.
    const recent = await call('GET', '/v1/publisher/reads', { token: daily.api_key });
    expect(recent.json.to).toBe(today());
    expect(recent.json.days).toHaveLength(30);
    expect(recent.json.reads).toBe(1);
  });

  it('validates the dates and the range', async () => {
    const pub = await createPublisher();
    for (const query of [
      'from=2026-1-1&to=2026-01-05',
      'from=2026-02-30&to=2026-03-01',
      'from=yesterday',
      'from=2026-01-05&to=2026-01-01',
      'from=2025-01-01&to=2026-01-02',
      'from=0001-01-01&to=9999-12-31',
    ]) {
      expectProblem(await report(pub.api_key, query), 400, 'invalid_request');
    }
    expect((await report(pub.api_key, 'from=2025-01-01&to=2026-01-01')).json.days).toHaveLength(366);
    expectProblem(await call('GET', '/v1/publisher/reads'), 401, 'unauthenticated');
  });
});
