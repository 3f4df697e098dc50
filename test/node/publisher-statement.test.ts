/**
 * @module The demo publisher's /statement page against the Node door: it fetches its newest
 * statement with its key, verifies it with the SDK and shows every check passed; a statement whose
 * leaves were changed on the way is shown as not verified; a publisher without one is told so.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPublisherApp } from '../../examples/publisher/app';
import { createPublisher } from '../support/door';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let door: NodeDoor;
beforeAll(async () => {
  door = await startNodeDoor();
});
afterAll(() => door.close());

function site(
  publisherId: string,
  apiKey: string,
  doFetch: typeof fetch = (input, init) => door.fetch(input as string, init),
) {
  return createPublisherApp({ onepassUrl: door.base, publisherId, apiKey, fetch: doFetch });
}

it('shows the newest statement verified, check by check, and a tampered one as not verified', async () => {
  const { publisher, api_key } = await createPublisher(door, 'Statement Page Daily', [
    'https://page.example',
  ]);
  for (const [subject, day] of [
    ['r1', '1997-07-01'],
    ['r2', '1997-07-09'],
  ]) {
    await door.query(
      sql`insert into reads (publisher_id, subject, article_id, day, membership, article_bound, created_at)
          values (${publisher.id}, ${subject}, 'budget', ${day}, 'paid', 1, 0)`,
    );
  }
  const made = await door.call('POST', '/v1/admin/payouts', {
    token: door.adminKey,
    body: { month: '1997-07', amount: 12_345, currency: 'EUR' },
  });
  expect(made.status, made.text).toBe(201);

  const page = await site(publisher.id, api_key).request('/statement');
  const html = await page.text();
  expect(page.status, html).toBe(200);
  expect(html).toContain('Verified here, with the OnePass SDK: every check below passed.');
  expect(html).toContain('1997-07: 2 of 2 reads');
  expect(html).toContain('€123.45');
  expect(html.match(/✓/g)).toHaveLength(10);
  expect(html).not.toContain('✗');

  // The same answers, with one read's day changed on the way.
  const tampering: typeof fetch = async (input, init) => {
    const res = await door.fetch(input as string, init);
    if (!String(input).includes('/v1/publisher/statements/')) return res;
    const body = (await res.json()) as { leaves: { day: string }[] };
    const first = body.leaves[0];
    if (first) first.day = '1997-07-02';
    return Response.json(body);
  };
  const tampered = await site(publisher.id, api_key, tampering).request('/statement');
  const tamperedHtml = await tampered.text();
  expect(tampered.status).toBe(502);
  expect(tamperedHtml).toContain('NOT verified: subtree_root.');
  expect(tamperedHtml).toContain('✗');

  const other = await createPublisher(door, 'No Statement Weekly', ['https://none.example']);
  const none = await site(other.publisher.id, other.api_key).request('/statement');
  expect(await none.text()).toContain('OnePass has no statement for us yet.');
});
