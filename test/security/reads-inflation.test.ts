/**
 * @module Reads cannot be inflated: a publisher reporting invented articles through one reader's
 * token raises its count by at most the daily allowance, even with every report at once; a token
 * issued for one article counts only that article; every refused read shows in the admin report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher, signUp } from '../support/door';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let door: NodeDoor;
beforeAll(async () => {
  door = await startNodeDoor({ LOG_LEVEL: 'silent', LIMIT_PUBLISHER_CALLS: '100000/1m' });
});
afterAll(() => door.close());

async function token(session: string, publisher: string, article?: string): Promise<string> {
  const res = await door.call('POST', '/v1/me/entitlement-token', {
    token: session,
    body: { publisher, ...(article ? { article } : {}) },
  });
  return res.json.token;
}

const read = (key: string, tokenValue: string, id: string) =>
  door.call('POST', '/v1/reads', { token: key, body: { token: tokenValue, article: { id } } });

describe('one reader, one token, 200 invented articles at once', () => {
  it('counts the daily allowance (20) and no more, and shows the rest to admins', async () => {
    const { publisher, api_key } = await createPublisher(door, 'Inflated Daily', [
      'https://inflated.example',
    ]);
    const reader = await signUp(door);
    const open = await token(reader.token, publisher.id);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => read(api_key, open, `invented-${i}`)),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(answers.filter((a) => a.json.counted)).toHaveLength(20);
    expect(answers.filter((a) => a.json.reason === 'daily_allowance')).toHaveLength(180);

    // A token bound to one article counts that article only, whatever the allowance.
    const bound = await token(reader.token, publisher.id, 'the-real-one');
    expect((await read(api_key, bound, 'the-real-one')).json).toEqual({ counted: true });
    expect((await read(api_key, bound, 'invented-x')).status).toBe(400);

    const report = await door.call('GET', '/v1/admin/reads', { token: door.adminKey });
    const line = report.json.publishers.find((p: { id: string }) => p.id === publisher.id);
    expect(line).toMatchObject({
      reads: 21,
      unique_readers: 1,
      reads_per_reader: 21,
      refused: 181,
      refused_by_reason: { daily_allowance: 180, other_article: 1, other_publisher: 0, inactive_token: 0 },
    });
  });

  it("counts a reader's allowance per publisher: another publisher's readers are not touched", async () => {
    const a = await createPublisher(door, 'A', ['https://a.example']);
    const b = await createPublisher(door, 'B', ['https://b.example']);
    const reader = await signUp(door);
    const ta = await token(reader.token, a.publisher.id);
    const tb = await token(reader.token, b.publisher.id);
    for (let i = 0; i < 20; i++) await read(a.api_key, ta, `a-${i}`);
    expect((await read(a.api_key, ta, 'a-more')).json).toEqual({ counted: false, reason: 'daily_allowance' });
    expect((await read(b.api_key, tb, 'b-1')).json).toEqual({ counted: true });
  });
});
