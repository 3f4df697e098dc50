/**
 * Issue 15, item 13 on Workers (D1): a gift bought on the `/gift` page (the emulator charges the
 * one-time Checkout payment), its link shown to the buyer, redeemed on `/gift/redeem/…` by a
 * signed-in reader as a `gift` membership shown on the account page, once; the API refuses a
 * second redemption.
 */

import { SELF } from 'cloudflare:test';
import Stripe from 'stripe';
import { describe, expect, inject, it } from 'vitest';
import { EmulatorControl } from '../../tools/stripe-emulator/client';
import { BASE, call } from './helpers';
import { Browser, csrfOf, signedInBrowser } from './page-client';

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

describe('gift pages', () => {
  it('buy on /gift, the buyer sees the link, a reader redeems it on /gift/redeem', async () => {
    const { browser: buyer } = await signedInBrowser();
    const page = await buyer.request('/gift', { headers: { 'cf-ipcountry': 'GB' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('£7.99');
    expect(page.text).toContain('£23.97');
    expect(page.text).toContain('£79.00');
    const invalid = await buyer.submit('/gift', {
      csrf: csrfOf(page.text, '/gift'),
      months: '3',
      recipient_email: 'nope',
    });
    expect(invalid.status, invalid.text.slice(0, 3000)).toBe(400);
    const res = await buyer.submit('/gift', {
      csrf: csrfOf(page.text, '/gift'),
      months: '12',
      currency: 'gbp',
      recipient_email: 'cousin@example.com',
      message: 'For the train',
    });
    expect(res.status).toBe(303);
    const checkout = res.headers.get('location') ?? '';
    const sessionId = checkout.split('/').pop() ?? '';
    expect((await stripe.checkout.sessions.retrieve(sessionId)).amount_total).toBe(7900);
    const done = await control.completeCheckout(sessionId, '4242424242424242');
    expect(done.ok).toBe(true);
    expect((await deliver()).filter((s) => s >= 300)).toEqual([]);
    const back = new URL(done.ok ? String(done.redirect_url) : BASE);
    expect(back.pathname).toBe('/gift/thanks');
    const thanks = await buyer.request(back.pathname + back.search);
    expect(thanks.status).toBe(200);
    const link = /id="gift-link" href="([^"]+)"/.exec(thanks.text)?.[1] ?? '';
    expect(link).toMatch(/\/gift\/redeem\/gft_/);
    const path = new URL(link).pathname;

    const stranger = await new Browser().request(path);
    expect(stranger.status).toBe(200);
    expect(stranger.text).toContain('12 months of OnePass');
    expect(stranger.text).toContain('Create an account to redeem it');

    const { browser: cousin } = await signedInBrowser();
    const offer = await cousin.request(path);
    const redeemed = await cousin.submit(path, { csrf: csrfOf(offer.text, path) });
    expect(redeemed.status).toBe(303);
    expect(redeemed.headers.get('location')).toBe('/account');
    const account = await cousin.request('/account');
    expect(account.text).toContain('Gift membership');
    // The buyer's gift page lists the gift, now redeemed, without its link.
    const given = await buyer.request('/gift');
    expect(given.text).toContain('Gifts you gave');
    expect(given.text).toMatch(/12 months<\/strong> for [^<]*:.*data-gift-status="redeemed"/s);
    expect(given.text).not.toContain(link);

    const other = await signedInBrowser();
    const token = path.split('/').pop() ?? '';
    const again = await call('POST', '/v1/gifts/redeem', {
      token: other.browser.session ?? '',
      body: { token },
    });
    expect(again.status).toBe(409);
  });
});
