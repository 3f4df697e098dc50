/**
 * @module The meter, written once and run on every door with METER_FREE_ARTICLES=3: a signed-in
 * reader without an entitlement reads three articles a month free across publishers, each article
 * counted once, then gets 402 with the meter; the allowance holds under concurrent requests.
 */
import { describe, expect, it } from 'vitest';
import { createPublisher, type Door, signUp } from '../support/door';

function claimsOf(token: string) {
  const [, payload] = token.split('.');
  return JSON.parse(atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/')));
}

async function lapsedReader(door: Door) {
  const who = await signUp(door);
  const ended = await door.call('POST', `/v1/admin/members/${who.reader.id}/trial`, {
    token: door.adminKey,
    body: { ends_at: new Date(Date.now() - 1000).toISOString() },
  });
  expect(ended.status).toBe(200);
  return who;
}

const tokenFor = (door: Door, session: string, publisher: string, article?: string) =>
  door.call('POST', '/v1/me/entitlement-token', {
    token: session,
    body: article === undefined ? { publisher } : { publisher, article },
  });

export function meterJourney(door: () => Door): void {
  describe('the meter', () => {
    it('counts articles once across publishers, then answers 402 with the meter spent', async () => {
      const allowance = (await door().config()).meterFreeArticles;
      expect(allowance).toBe(3);
      const a = await createPublisher(door(), 'Morning Post', ['https://morning.example']);
      const b = await createPublisher(door(), 'Evening Star', ['https://evening.example']);
      const { token } = await lapsedReader(door());
      const now = new Date();
      const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
      const before = await door().call('GET', '/v1/me', { token });
      expect(before.json.meter).toEqual({
        used: 0,
        allowance: 3,
        resets_at: resetsAt.toISOString().replace('.000Z', 'Z'),
      });

      const first = await tokenFor(door(), token, a.publisher.id, 'bridge');
      expect(first.status, first.text).toBe(200);
      const claims = claimsOf(first.json.token);
      expect(claims).toMatchObject({
        membership: 'meter',
        article: 'bridge',
        meter_used: 1,
        meter_allowance: 3,
        meter_resets_at: resetsAt.getTime() / 1000,
      });
      expect(claims.exp - claims.iat).toBeLessThanOrEqual((await door().config()).tokenTtlSeconds);
      // The same article again counts nothing; the same id at another publisher is another article.
      expect(claimsOf((await tokenFor(door(), token, a.publisher.id, 'bridge')).json.token).meter_used).toBe(
        1,
      );
      expect(claimsOf((await tokenFor(door(), token, b.publisher.id, 'bridge')).json.token).meter_used).toBe(
        2,
      );
      // No article, no meter: an unbound token would open everything.
      const unbound = await tokenFor(door(), token, a.publisher.id);
      expect(unbound.status).toBe(402);
      expect(unbound.json.meter).toBeUndefined();
      expect(claimsOf((await tokenFor(door(), token, a.publisher.id, 'parks')).json.token).meter_used).toBe(
        3,
      );

      const spent = await tokenFor(door(), token, a.publisher.id, 'harbour');
      expect(spent.status).toBe(402);
      expect(spent.json).toMatchObject({
        code: 'not_entitled',
        reason: 'trial_expired',
        meter: { used: 3, allowance: 3 },
      });
      // What was counted stays readable all month.
      expect((await tokenFor(door(), token, b.publisher.id, 'bridge')).status).toBe(200);
      expect((await door().call('GET', '/v1/me', { token })).json.meter.used).toBe(3);
    });

    it('lets a metered token be introspected and its read counted, for its own article only', async () => {
      const p = await createPublisher(door());
      const { token } = await lapsedReader(door());
      const issued = await tokenFor(door(), token, p.publisher.id, 'night-buses');
      const seen = await door().call('POST', '/v1/tokens/introspect', {
        token: p.api_key,
        body: { token: issued.json.token },
      });
      expect(seen.json).toMatchObject({
        active: true,
        membership: 'meter',
        article: 'night-buses',
        meter_used: 1,
      });
      const read = await door().call('POST', '/v1/reads', {
        token: p.api_key,
        body: { token: issued.json.token, article: { id: 'night-buses' } },
      });
      expect(read.json).toEqual({ counted: true });
      const other = await door().call('POST', '/v1/reads', {
        token: p.api_key,
        body: { token: issued.json.token, article: { id: 'something-else' } },
      });
      expect(other.status).toBe(400);
    });

    it('holds the allowance under concurrent requests for different articles', async () => {
      const p = await createPublisher(door());
      const { token } = await lapsedReader(door());
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => tokenFor(door(), token, p.publisher.id, `story-${i}`)),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      expect(statuses.filter((s) => s === 402)).toHaveLength(9);
      expect((await door().call('GET', '/v1/me', { token })).json.meter.used).toBe(3);
    });

    it('leaves entitled readers off the meter', async () => {
      const p = await createPublisher(door());
      const { token } = await signUp(door());
      const issued = await tokenFor(door(), token, p.publisher.id, 'bridge');
      expect(claimsOf(issued.json.token).membership).toBe('trial');
      expect(claimsOf(issued.json.token).meter_used).toBeUndefined();
      expect((await door().call('GET', '/v1/me', { token })).json.meter.used).toBe(0);
    });
  });
}
