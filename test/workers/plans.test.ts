/**
 * Issue 15, item 12 on Workers: the plans' prices in the reader's currency (Cloudflare's country),
 * `GET /v1/plans` public and cached, `/subscribe` showing them and opening Checkout in that currency.
 */
import Stripe from 'stripe';
import { describe, expect, inject, it } from 'vitest';
import { call } from './helpers';
import { csrfOf, signedInBrowser } from './page-client';

const emulatorUrl = inject('stripeEmulatorUrl');
const stripe = new Stripe('sk_test_emulator_0000000000000000', {
  httpClient: Stripe.createFetchHttpClient(),
  host: '127.0.0.1',
  port: Number(new URL(emulatorUrl).port),
  protocol: 'http',
});

describe('GET /v1/plans', () => {
  it("answers in the currency of Cloudflare's country, public and cached", async () => {
    const res = await call('GET', '/v1/plans', { headers: { 'cf-ipcountry': 'FR' } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('vary')).toContain('CF-IPCountry');
    expect(res.json).toMatchObject({
      currency: 'eur',
      currencies: ['usd', 'eur', 'gbp'],
      automatic_tax: false,
      promotion_codes: true,
      data: [
        {
          plan: 'monthly',
          unit_amount: 899,
          currency: 'eur',
          interval: 'month',
          display: '€8.99',
          tax: null,
        },
        {
          plan: 'annual',
          unit_amount: 8900,
          currency: 'eur',
          interval: 'year',
          display: '€89.00',
          tax: null,
        },
      ],
    });
    const us = await call('GET', '/v1/plans', { headers: { 'cf-ipcountry': 'JP' } });
    expect(us.json.currency).toBe('usd');
  });

  it('takes a currency the prices offer, and refuses others with a 400', async () => {
    const gbp = await call('GET', '/v1/plans?currency=GBP');
    expect(gbp.status).toBe(200);
    expect((gbp.json.data as { unit_amount: number }[]).map((p) => p.unit_amount)).toEqual([799, 7900]);
    for (const currency of ['jpy', '12', 'euro']) {
      const res = await call('GET', `/v1/plans?currency=${currency}`);
      expect(res.status, currency).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('/subscribe with prices', () => {
  it("shows each plan's price in the reader's currency and opens Checkout in it", async () => {
    const { browser } = await signedInBrowser();
    const page = await browser.request('/subscribe', { headers: { 'cf-ipcountry': 'DE' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('€8.99 / month');
    expect(page.text).toContain('€89.00 / year');
    expect(page.text).toContain('Have a promotion code?');
    expect(page.text).toContain('name="currency" value="eur"');
    const res = await browser.submit('/subscribe', {
      csrf: csrfOf(page.text, '/subscribe'),
      plan: 'annual',
      currency: 'eur',
    });
    expect(res.status).toBe(303);
    const id = (res.headers.get('location') ?? '').split('/').pop() ?? '';
    const session = await stripe.checkout.sessions.retrieve(id);
    expect(session.currency).toBe('eur');
    expect(session.allow_promotion_codes).toBe(true);
    expect(session.automatic_tax.enabled).toBe(false);
    const items = await stripe.checkout.sessions.listLineItems(id);
    expect(items.data[0]?.amount_subtotal).toBe(8900);
  });
});
