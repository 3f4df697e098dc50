/**
 * @module The expiry scan of webhooks pages through a window with more candidates than a page:
 * each page announced with its cursor saved (the window's end and the last reader id), a window
 * left unfinished by a run going on from its cursor at the next run before any newer window, and
 * every end announced once. Pages of 2 here stand for the 2,000 of a real run.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceExpiries } from '../../src/features/webhooks';
import { createPublisher, signUp } from '../support/door';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let offset = 0;
let door: NodeDoor;
let publisher: { publisher: { id: string }; api_key: string };
const nowMs = () => Date.now() + offset;

beforeAll(async () => {
  door = await startNodeDoor({}, { clock: () => new Date(nowMs()) });
  publisher = await createPublisher(door, 'Expiry Scan Daily');
  // Only publishers with an endpoint get messages; this one is never sent to in this test.
  const created = await door.call('POST', '/v1/publisher/webhooks', {
    token: publisher.api_key,
    body: { url: 'http://127.0.0.1:9/hooks', events: ['entitlement.ended'] },
  });
  expect(created.status, created.text).toBe(201);
});
afterAll(() => door.close());

/** A reader known to the publisher (a pairwise sub) whose trial ends `inSeconds` from now. */
async function trialEndingIn(inSeconds: number): Promise<string> {
  const reader = await signUp(door);
  const token = await door.call('POST', '/v1/me/entitlement-token', {
    token: reader.token,
    body: { publisher: publisher.publisher.id },
  });
  expect(token.status, token.text).toBe(200);
  const res = await door.call('POST', `/v1/admin/members/${reader.reader.id}/trial`, {
    token: door.adminKey,
    body: { ends_at: new Date(nowMs() + inSeconds * 1000).toISOString() },
  });
  expect(res.status, res.text).toBe(200);
  return reader.reader.id;
}

/** The `expired` announcements so far, by the `sub` they name. */
async function announcedSubs(): Promise<string[]> {
  const rows = await door.query<{ body: string }>(
    sql`select body from webhook_messages where type = 'entitlement.ended' and dedupe_key like '%:expired:%'`,
  );
  return rows.map((r) => (JSON.parse(r.body) as { data: { sub: string; reason: string } }).data.sub).sort();
}

async function subsOf(readerIds: string[]): Promise<string[]> {
  const rows = await door.query<{ subject: string; reader_id: string }>(
    sql`select subject, reader_id from pairwise_subjects where publisher_id = ${publisher.publisher.id}`,
  );
  return rows
    .filter((r) => readerIds.includes(r.reader_id))
    .map((r) => r.subject)
    .sort();
}

async function cursor(): Promise<{ to: number; after: string } | null> {
  const [row] = await door.query<{ cursor: string | null }>(
    sql`select cursor from job_state where name = 'webhooks.expiry'`,
  );
  return row?.cursor ? JSON.parse(row.cursor) : null;
}

describe('the expiry scan past its page size', () => {
  it('keeps its cursor across runs, finishes the old window before a newer one, and announces every end once', async () => {
    // The first run only marks where the scan starts.
    expect(await announceExpiries(door.ctx, { pageSize: 2, maxPages: 1 })).toBe(0);
    const first = [];
    for (let i = 0; i < 5; i++) first.push(await trialEndingIn(300 + i));
    const untouched = await trialEndingIn(4 * 3600);
    offset += 600_000;
    const windowEnd = Math.floor(nowMs() / 1000);

    expect(await announceExpiries(door.ctx, { pageSize: 2, maxPages: 1 })).toBe(2);
    const kept = await cursor();
    expect(kept).toMatchObject({ to: windowEnd, after: expect.stringMatching(/^rdr_/) });
    expect(await announcedSubs()).toHaveLength(2);

    // Meanwhile time goes on and another trial ends after the unfinished window.
    const later = await trialEndingIn(60);
    offset += 600_000;
    expect(await announceExpiries(door.ctx, { pageSize: 2, maxPages: 1 })).toBe(2);
    const next = await cursor();
    // Still the same window (its end did not move with the clock), further along.
    expect(next?.to).toBe(windowEnd);
    expect(next && kept && next.after > kept.after).toBe(true);
    // The rest of the old window (one end), then in the same run the newer window (the later one).
    expect(await announceExpiries(door.ctx, { pageSize: 2, maxPages: 10 })).toBe(2);
    expect(await cursor()).toBeNull();
    expect(await announcedSubs()).toEqual(await subsOf([...first, later]));
    expect(await announcedSubs()).not.toContain((await subsOf([untouched]))[0]);

    // Scanning again announces nothing twice.
    offset += 1000;
    expect(await announceExpiries(door.ctx, { pageSize: 2, maxPages: 10 })).toBe(0);
    expect(await announcedSubs()).toHaveLength(6);
  });

  it('reads a whole window in one run when it has the pages for it', async () => {
    const readers = [];
    for (let i = 0; i < 5; i++) readers.push(await trialEndingIn(120 + i));
    offset += 600_000;
    expect(await announceExpiries(door.ctx, { pageSize: 2, maxPages: 10 })).toBe(5);
    expect(await cursor()).toBeNull();
    const all = await announcedSubs();
    for (const sub of await subsOf(readers)) expect(all).toContain(sub);
  });
});
