/**
 * Issue 15, item 12 on the Node door, with Stripe Tax on (`STRIPE_AUTOMATIC_TAX=true`): prices in the
 * currency of the reader's `Accept-Language` region (or of `cf-ipcountry` when the door is behind a
 * trusted proxy, `TRUST_PROXY=true` as here), "plus tax", and Checkout opened in that currency with automatic tax,
 * a required billing address and tax id collection, which the emulator validates as Stripe does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness({ STRIPE_AUTOMATIC_TAX: 'true', DEFAULT_CURRENCY: 'gbp' });
});
afterAll(async () => {
  await b.close();
});

async function reader(email: string): Promise<string> {
  const res = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(res.status, res.text).toBe(201);
  return res.json.session_token as string;
}

describe('prices on the Node door', () => {
  it("uses the Accept-Language region, or a trusted proxy's cf-ipcountry, and says 'plus tax'", async () => {
    const proxied = await b.h.call('GET', '/v1/plans', {
      headers: { 'accept-language': 'de-DE,de;q=0.9', 'cf-ipcountry': 'US' },
    });
    expect(proxied.json.currency).toBe('usd');
    const res = await b.h.call('GET', '/v1/plans', { headers: { 'accept-language': 'de-DE,de;q=0.9' } });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      currency: 'eur',
      automatic_tax: true,
      data: [
        { plan: 'monthly', unit_amount: 899, display: '€8.99', tax: 'plus_tax' },
        { plan: 'annual', unit_amount: 8900, display: '€89.00', tax: 'plus_tax' },
      ],
    });
    // No region that the prices sell in: the configured default.
    const other = await b.h.call('GET', '/v1/plans', { headers: { 'accept-language': 'ja-JP' } });
    expect(other.json.currency).toBe('gbp');
  });

  it('opens Checkout in the chosen currency with Stripe Tax, and the reader can pay', async () => {
    const token = await reader('tax-reader@example.com');
    const bad = await b.h.call('POST', '/v1/me/checkout', {
      token,
      body: { plan: 'monthly', currency: 'jpy' },
    });
    expect(bad.status).toBe(400);
    expect((await b.stripe.checkout.sessions.list({ limit: 5 })).data).toHaveLength(0);

    const started = await b.h.call('POST', '/v1/me/checkout', {
      token,
      body: { plan: 'monthly', currency: 'eur' },
    });
    expect(started.status, started.text).toBe(200);
    const [session] = (await b.stripe.checkout.sessions.list({ limit: 1 })).data;
    expect(session?.currency).toBe('eur');
    expect(session?.automatic_tax.enabled).toBe(true);
    expect(session?.billing_address_collection).toBe('required');
    expect(session?.tax_id_collection?.enabled).toBe(true);
    expect(session?.allow_promotion_codes).toBe(true);
    // Stripe Tax needs the billing country: refused without it, as Checkout refuses it.
    const noCountry = await payCheckout(b.control, started.json.url as string);
    expect(noCountry).toMatchObject({ ok: false, error: { param: 'country' } });
    const paid = await payCheckout(b.control, started.json.url as string, {
      number: '4242424242424242',
      country: 'DE',
      postal_code: '10115',
    });
    expect(paid.ok).toBe(true);
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const me = await b.h.call('GET', '/v1/me', { token });
    expect(me.json.entitlement.entitled).toBe(true);
    // The first charge, at the trial's end: the price plus German VAT (19 %), and still a member.
    const sub = paid.ok ? paid.subscription : null;
    expect(sub?.automatic_tax.enabled).toBe(true);
    await b.control.advance({ to: (sub?.trial_end ?? 0) + 60 });
    expect((await b.deliver()).filter((s) => s >= 500)).toEqual([]);
    const [renewal] = (await b.stripe.invoices.list({ subscription: sub?.id ?? '', limit: 1 })).data;
    expect(renewal).toMatchObject({ status: 'paid', subtotal: 899, total: 899 + 171, amount_paid: 1070 });
    expect(renewal?.total_taxes).toEqual([expect.objectContaining({ amount: 171, taxable_amount: 899 })]);
    const after = await b.h.call('GET', '/v1/me', { token });
    expect(after.json.membership).toMatchObject({ status: 'active', plan: 'monthly' });
  });

  it('the subscribe page shows the prices plus tax', async () => {
    const token = await reader('tax-page@example.com');
    const page = await b.h.call('GET', '/subscribe', {
      headers: { cookie: `__Host-onepass_session=${token}`, 'accept-language': 'en-GB' },
    });
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('£7.99 / month plus tax');
    expect(page.text).toContain('£79.00 / year plus tax');
  });
});
