/**
 * Issue 15, item 14 on Workers (D1), through the pages: an owner who subscribed invites on
 * `/account/seats` (the Stripe subscription's quantity follows), the invited reader takes the seat
 * on `/seats/join/…` and reads on the owner's subscription (the account page says so), the owner
 * removes the seat and the member's access ends; forged and wrong-address posts change nothing.
 */
import { env, SELF } from 'cloudflare:test';
import Stripe from 'stripe';
import { describe, expect, inject, it } from 'vitest';
import { EmulatorControl } from '../../tools/stripe-emulator/client';
import { BASE, call, createPublisher } from './helpers';
import { csrfOf, signedInBrowser } from './page-client';

const emulatorUrl = inject('stripeEmulatorUrl');
const control = new EmulatorControl(emulatorUrl);
const stripe = new Stripe('sk_test_emulator_0000000000000000', {
  httpClient: Stripe.createFetchHttpClient(),
  host: '127.0.0.1',
  port: Number(new URL(emulatorUrl).port),
  protocol: 'http',
});

async function deliver(): Promise<number[]> {
  const results = await control.drainPull(async (payload, signature) => {
    const res = await SELF.fetch(`${BASE}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body: payload,
    });
    await res.arrayBuffer();
    return res.status;
  });
  return results.map((r) => r.status);
}

async function subscriptionOf(readerId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT stripe_subscription_id AS id FROM memberships WHERE reader_id = ?')
    .bind(readerId)
    .first<{ id: string | null }>();
  return row?.id ?? '';
}

async function joinPath(to: string): Promise<string> {
  const row = await env.DB.prepare(
    "SELECT payload FROM outbox WHERE template = 'seat_invite' AND lower(to_address) = ? ORDER BY created_at DESC LIMIT 1",
  )
    .bind(to)
    .first<{ payload: string }>();
  return new URL(JSON.parse(row?.payload ?? '{}').join_url ?? BASE).pathname;
}

const quantity = async (id: string) => (await stripe.subscriptions.retrieve(id)).items.data[0]?.quantity;

describe('seat pages', () => {
  it('invite on /account/seats, join on /seats/join, read, remove', async () => {
    const owner = await signedInBrowser();
    const checkout = await call('POST', '/v1/me/checkout', {
      token: owner.browser.session ?? '',
      body: { plan: 'monthly' },
    });
    expect(checkout.status, checkout.text).toBe(200);
    expect((await control.completeCheckout(String(checkout.json.url).split('/').pop() ?? '')).ok).toBe(true);
    expect((await deliver()).filter((s) => s >= 300)).toEqual([]);
    const subscription = await subscriptionOf(owner.readerId);

    const page = await owner.browser.request('/account/seats');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Invite someone');
    const bad = await owner.browser.submit('/account/seats', {
      csrf: csrfOf(page.text, '/account/seats'),
      email: 'nope',
    });
    expect(bad.status).toBe(400);
    const forged = await owner.browser.submit('/account/seats', { csrf: 'forged', email: 'x@example.com' });
    expect(forged.status).toBe(403);
    expect(await quantity(subscription)).toBe(1);

    const member = await signedInBrowser();
    const invited = await owner.browser.submit('/account/seats', {
      csrf: csrfOf(page.text, '/account/seats'),
      email: member.email,
    });
    expect(invited.status, invited.text.slice(0, 2000)).toBe(303);
    expect(invited.headers.get('location')).toBe('/account/seats?done=invited');
    const listed = await owner.browser.request('/account/seats?done=invited');
    expect(listed.text).toContain('The invitation is on its way.');
    expect(listed.text).toContain(member.email);
    expect(await quantity(subscription)).toBe(2);

    const path = await joinPath(member.email);
    expect(path).toMatch(/^\/seats\/join\/[A-Za-z0-9_-]{43}$/);
    // Another signed-in reader with the link is refused.
    const other = await signedInBrowser();
    const offer = await other.browser.request(path);
    const wrong = await other.browser.submit(path, { csrf: csrfOf(offer.text, path) });
    expect(wrong.status).toBe(409);
    expect(wrong.text).toContain('another address');

    const invitation = await member.browser.request(path);
    expect(invitation.text).toContain(`${owner.email} shares their OnePass membership with you`);
    const joined = await member.browser.submit(path, { csrf: csrfOf(invitation.text, path) });
    expect(joined.status).toBe(303);
    expect(joined.headers.get('location')).toBe('/account');
    expect((await member.browser.request('/account')).text).toContain('Shared membership');
    const publisher = await createPublisher('Seat Weekly');
    const token = await call('POST', '/v1/me/entitlement-token', {
      token: member.browser.session ?? '',
      body: { publisher: publisher.publisher.id },
    });
    expect(token.status, token.text).toBe(200);
    const introspected = await call('POST', '/v1/tokens/introspect', {
      token: publisher.api_key,
      body: { token: token.json.token },
    });
    expect(introspected.json.active).toBe(true);

    const seats = await owner.browser.request('/account/seats');
    const id = /action="\/account\/seats\/(sea_[a-z2-7]{20})\/remove"/.exec(seats.text)?.[1] ?? '';
    const removed = await owner.browser.submit(`/account/seats/${id}/remove`, {
      csrf: csrfOf(seats.text, `/account/seats/${id}/remove`),
    });
    expect(removed.status).toBe(303);
    expect(await quantity(subscription)).toBe(1);
    const after = await call('POST', '/v1/me/entitlement-token', {
      token: member.browser.session ?? '',
      body: { publisher: publisher.publisher.id },
    });
    expect(after.status).toBe(402);
    const stale = await call('POST', '/v1/tokens/introspect', {
      token: publisher.api_key,
      body: { token: token.json.token },
    });
    expect(stale.json.active).toBe(false);
  });
});
