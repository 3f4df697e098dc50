/**
 * @module "Your reading", written once and run on every door: the reader's reads across
 * publishers, newest first, with title and link, in pages that neither repeat nor skip, and only
 * the reader's own.
 */
import { describe, expect, it } from 'vitest';
import { createPublisher, type Door, signUp } from '../support/door';

async function readOn(door: Door, session: string, publisher: { id: string; key: string }, n: number) {
  const issued = await door.call('POST', '/v1/me/entitlement-token', {
    token: session,
    body: { publisher: publisher.id, article: `story-${n}` },
  });
  const res = await door.call('POST', '/v1/reads', {
    token: publisher.key,
    body: {
      token: issued.json.token,
      article: { id: `story-${n}`, title: `Story number ${n}`, url: `https://daily.example/story-${n}` },
    },
  });
  expect(res.status, res.text).toBe(202);
}

export function readingJourney(door: () => Door): void {
  describe('your reading', () => {
    it('lists the reader’s reads on every publisher, newest first, in pages that neither repeat nor skip', async () => {
      const a = await createPublisher(door(), 'Morning Post', ['https://morning.example']);
      const b = await createPublisher(door(), 'Evening Star', ['https://evening.example']);
      const morning = { id: a.publisher.id, key: a.api_key };
      const evening = { id: b.publisher.id, key: b.api_key };
      const { token } = await signUp(door());
      const other = await signUp(door());
      for (let n = 0; n < 25; n++) await readOn(door(), token, n % 2 === 0 ? morning : evening, n);
      await readOn(door(), other.token, morning, 99);

      const first = await door().call('GET', '/v1/me/reads', { token });
      expect(first.status).toBe(200);
      expect(first.json.data).toHaveLength(20);
      expect(first.json.next_cursor).toEqual(expect.any(String));
      const second = await door().call('GET', `/v1/me/reads?cursor=${first.json.next_cursor}`, { token });
      expect(second.json.data).toHaveLength(5);
      expect(second.json.next_cursor).toBeNull();

      const all = [...first.json.data, ...second.json.data];
      const ids = all.map((e: { article: { id: string } }) => e.article.id);
      expect(new Set(ids).size).toBe(25);
      expect(ids).not.toContain('story-99');
      const entry = all.find((e: { article: { id: string } }) => e.article.id === 'story-3');
      expect(entry).toEqual({
        publisher: { id: b.publisher.id, name: 'Evening Star' },
        article: { id: 'story-3', title: 'Story number 3', url: 'https://daily.example/story-3' },
        date: new Date().toISOString().slice(0, 10),
      });
      expect((await door().call('GET', '/v1/me/reads?cursor=nonsense!', { token })).status).toBe(400);
    });
  });
}
