/**
 * @module Stripe Tax in the emulator (issue 15, item 12): a Checkout Session with
 * `automatic_tax[enabled]` asks for the billing country, saves it on the customer, and every
 * invoice of its subscription carries the country's VAT on top of the exclusive price
 * (`total_taxes`, line `taxes`, `total_excluding_tax`), charged in full; a country the account
 * does not collect in is taxed 0 (`not_collecting`); without Stripe Tax nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_PRICE_MONTHLY } from '../../tools/stripe-emulator/constants';
import { DAY, type Harness, startHarness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emu.close();
});

async function taxedSession(trialDays?: number) {
  const customer = await h.stripe.customers.create({ email: 'tax@example.com' });
  const now = (await h.control.clock()).now;
  const session = await h.stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: EMULATOR_PRICE_MONTHLY, quantity: 1 }],
    success_url: 'http://127.0.0.1:8787/account',
    automatic_tax: { enabled: true },
    billing_address_collection: 'required',
    customer_update: { address: 'auto', name: 'auto' },
    ...(trialDays ? { subscription_data: { trial_end: now + trialDays * DAY } } : {}),
  });
  return { customer, session };
}

const price = async () => (await h.stripe.prices.retrieve(EMULATOR_PRICE_MONTHLY)).unit_amount ?? 0;

describe('Stripe Tax', () => {
  it('asks for the country, then charges the price plus its VAT and shows the tax as Stripe does', async () => {
    const { customer, session } = await taxedSession();
    const refused = await h.control.completeCheckout(session.id, '4242424242424242');
    expect(refused).toMatchObject({ ok: false, error: { param: 'country', code: 'incomplete_address' } });
    const done = await h.control.completeCheckout(session.id, {
      number: '4242424242424242',
      country: 'fr',
      postal_code: '75001',
    });
    if (!done.ok) throw new Error(done.error.message);
    const amount = await price();
    const tax = Math.round(amount * 0.2);
    expect(done.subscription.automatic_tax.enabled).toBe(true);
    expect(done.session).toMatchObject({
      amount_total: amount + tax,
      total_details: { amount_tax: tax },
      customer_details: { address: { country: 'FR', postal_code: '75001' } },
    });
    expect((await h.stripe.customers.retrieve(customer.id)) as { address: unknown }).toMatchObject({
      address: { country: 'FR' },
    });
    const invoice = await h.stripe.invoices.retrieve(String(done.subscription.latest_invoice));
    expect(invoice).toMatchObject({
      subtotal: amount,
      total_excluding_tax: amount,
      total: amount + tax,
      amount_paid: amount + tax,
      automatic_tax: { enabled: true, status: 'complete' },
    });
    expect(invoice.total_taxes).toEqual([
      expect.objectContaining({ amount: tax, taxable_amount: amount, tax_behavior: 'exclusive' }),
    ]);
    expect(invoice.lines.data[0]?.taxes).toEqual([expect.objectContaining({ amount: tax })]);
    const [charge] = (await h.stripe.charges.list({ customer: customer.id })).data;
    expect(charge?.amount).toBe(amount + tax);
    // The renewal is taxed the same way.
    await h.control.advance({ to: (done.subscription.items.data[0]?.current_period_end ?? 0) + 60 });
    const [renewal] = (await h.stripe.invoices.list({ subscription: done.subscription.id, limit: 1 })).data;
    expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', amount_paid: amount + tax });
  });

  it('a trial is not taxed; the first charge after it is; a country without collection pays no tax', async () => {
    const { session } = await taxedSession(3);
    const done = await h.control.completeCheckout(session.id, { number: '4242424242424242', country: 'US' });
    if (!done.ok) throw new Error(done.error.message);
    expect(done.session.total_details?.amount_tax).toBe(0);
    await h.control.advance({ to: (done.subscription.trial_end ?? 0) + 60 });
    const [first] = (await h.stripe.invoices.list({ subscription: done.subscription.id, limit: 1 })).data;
    const amount = await price();
    expect(first).toMatchObject({ status: 'paid', total: amount, amount_paid: amount });
    expect(first?.total_taxes).toEqual([
      expect.objectContaining({ amount: 0, taxability_reason: 'not_collecting' }),
    ]);
  });

  it('refuses a country that is not a two-letter code, and creates nothing', async () => {
    const { session } = await taxedSession();
    const bad = await h.control.completeCheckout(session.id, {
      number: '4242424242424242',
      country: 'Germany',
    });
    expect(bad).toMatchObject({ ok: false, error: { param: 'country' } });
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });
});
