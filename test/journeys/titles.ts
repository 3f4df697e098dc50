/**
 * @module Titles, written once and run on every door: admins and publishers set a publisher's
 * description, homepage and logo through the one profile rule, bad values change nothing, and
 * `GET /v1/titles` lists every member publisher in pages, publicly.
 */
import { describe, expect, it } from 'vitest';
import { createPublisher, type Door } from '../support/door';

async function allTitles(door: Door) {
  const seen: { id: string; name: string; description: string | null; logo_url: string | null }[] = [];
  let cursor: string | null = null;
  do {
    const res = await door.call('GET', `/v1/titles?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    seen.push(...res.json.data);
    cursor = res.json.next_cursor;
  } while (cursor);
  return seen;
}

export function titlesJourney(door: () => Door): void {
  describe('titles', () => {
    it('lets an admin and the publisher itself set the title fields; bad values change nothing', async () => {
      const { publisher, api_key } = await createPublisher(door(), 'Morning Herald', [
        'https://herald.example',
      ]);
      const byAdmin = await door().call('PATCH', `/v1/admin/publishers/${publisher.id}`, {
        token: door().adminKey,
        body: { description: '  Local news from the valley.  ', homepage_url: 'https://herald.example/' },
      });
      expect(byAdmin.status, byAdmin.text).toBe(200);
      expect(byAdmin.json).toMatchObject({
        description: 'Local news from the valley.',
        homepage_url: 'https://herald.example/',
        logo_url: null,
      });
      const audit = await door().call('GET', '/v1/admin/audit-log?limit=100', { token: door().adminKey });
      const entry = audit.json.data.find(
        (e: { action: string; target_id?: string; target?: { id: string } }) =>
          e.action === 'publisher.update' && JSON.stringify(e).includes(publisher.id),
      );
      expect(JSON.stringify(entry)).toContain('Local news from the valley.');

      for (const body of [
        { logo_url: 'http://herald.example/logo.png' },
        { logo_url: 'javascript:alert(1)' },
        { homepage_url: 'https://user:pw@herald.example/' },
        { description: 'x'.repeat(501) },
        { description: '   ' },
        {},
      ]) {
        const refused = await door().call('PATCH', '/v1/publisher', { token: api_key, body });
        expect(refused.status, JSON.stringify(body)).toBe(400);
        expect(refused.json.code).toBe('invalid_request');
      }
      const own = await door().call('PATCH', '/v1/publisher', {
        token: api_key,
        body: { logo_url: 'https://cdn.herald.example/logo.png' },
      });
      expect(own.status).toBe(200);
      expect(own.json).toMatchObject({
        description: 'Local news from the valley.',
        logo_url: 'https://cdn.herald.example/logo.png',
      });
      const cleared = await door().call('PATCH', '/v1/publisher', {
        token: api_key,
        body: { description: null },
      });
      expect(cleared.json.description).toBeNull();
      expect(cleared.json.logo_url).toBe('https://cdn.herald.example/logo.png');
    });

    it('lists every publisher publicly, in pages that neither repeat nor skip', async () => {
      const a = await createPublisher(door(), 'Title A', ['https://a.example']);
      const b = await createPublisher(door(), 'Title B', ['https://b.example']);
      await door().call('PATCH', '/v1/publisher', { token: b.api_key, body: { description: 'About B' } });
      const titles = await allTitles(door());
      const ids = titles.map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining([a.publisher.id, b.publisher.id]));
      const listed = titles.find((t) => t.id === b.publisher.id);
      expect(listed).toEqual({
        id: b.publisher.id,
        name: 'Title B',
        description: 'About B',
        homepage_url: null,
        logo_url: null,
      });
      // Nothing private: no origins, no key prefix.
      expect(Object.keys(listed ?? {}).sort()).toEqual([
        'description',
        'homepage_url',
        'id',
        'logo_url',
        'name',
      ]);
      expect((await door().call('GET', '/v1/titles?cursor=not-a-cursor')).status).toBe(400);
    });
  });
}
