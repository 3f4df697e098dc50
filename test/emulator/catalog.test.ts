/**
 * @module Emulator catalog as Stripe behaves: prices with `currency_options` (an includable field,
 * only when expanded), lookup keys, Checkout in another currency and with Stripe Tax (refused
 * without the customer updates Stripe demands), portal configurations and webhook endpoints.
 */

import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMULATOR_PRICE_MONTHLY, EMULATOR_PRODUCT } from '../../tools/stripe-emulator/constants';
import { type Harness, startHarness, T0 } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emu.close();
});
beforeEach(async () => {
  await h.control.reset(T0);
});

async function refusal(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError) return err;
    throw err;
  }
  throw new Error('expected Stripe to refuse');
}

const session = (extra: Partial<Stripe.Checkout.SessionCreateParams>, customer?: string) =>
  h.stripe.checkout.sessions.create({
    mode: 'subscription',
    ...(customer ? { customer } : {}),
    line_items: [{ price: EMULATOR_PRICE_MONTHLY, quantity: 1 }],
    success_url: 'http://127.0.0.1:8787/subscribe/success',
    cancel_url: 'http://127.0.0.1:8787/subscribe/cancel',
    ...extra,
  });

describe('prices with currency_options', () => {
  it('answers currency_options only when expanded, its own currency included', async () => {
    const plain = await h.stripe.prices.retrieve(EMULATOR_PRICE_MONTHLY);
    expect(plain.currency_options).toBeUndefined();
    const full = await h.stripe.prices.retrieve(EMULATOR_PRICE_MONTHLY, { expand: ['currency_options'] });
    expect(full.currency_options?.usd?.unit_amount).toBe(999);
    expect(full.currency_options?.eur?.unit_amount).toBe(899);
    expect(full.currency_options?.gbp?.unit_amount).toBe(799);
    const listed = await h.stripe.prices.list({ expand: ['data.currency_options'] });
    expect(listed.data.every((p) => p.currency_options !== undefined)).toBe(true);
    // Prices inside other objects never carry it.
    expect(JSON.stringify((await h.stripe.prices.list()).data)).not.toContain('currency_options');
  });

  it('creates prices with lookup keys and currency options; a taken lookup key moves only with transfer_lookup_key', async () => {
    const product = await h.stripe.products.create({
      name: 'Membership',
      metadata: { onepass: 'membership' },
    });
    const price = await h.stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 1200,
      recurring: { interval: 'month' },
      lookup_key: 'onepass_monthly',
      tax_behavior: 'exclusive',
      currency_options: { eur: { unit_amount: 1100, tax_behavior: 'inclusive' } },
      expand: ['currency_options'],
    });
    expect(price.type).toBe('recurring');
    expect(price.currency_options?.eur).toMatchObject({ unit_amount: 1100, tax_behavior: 'inclusive' });
    const found = await h.stripe.prices.list({ lookup_keys: ['onepass_monthly'] });
    expect(found.data.map((p) => p.id)).toEqual([price.id]);

    const taken = await refusal(
      h.stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 1300,
        lookup_key: 'onepass_monthly',
      }),
    );
    expect(taken.statusCode).toBe(400);
    expect(taken.param).toBe('lookup_key');
    const moved = await h.stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 1300,
      recurring: { interval: 'month' },
      lookup_key: 'onepass_monthly',
      transfer_lookup_key: true,
    });
    expect((await h.stripe.prices.list({ lookup_keys: ['onepass_monthly'] })).data.map((p) => p.id)).toEqual([
      moved.id,
    ]);
    expect((await h.stripe.prices.retrieve(price.id)).lookup_key).toBeNull();

    const bad = await refusal(
      h.stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 1,
        currency_options: { xyz: { unit_amount: 1 } },
      }),
    );
    expect(bad.param).toBe('currency_options[xyz]');
    expect(
      (await refusal(h.stripe.prices.create({ product: 'prod_nope', currency: 'usd', unit_amount: 1 })))
        .param,
    ).toBe('product');
  });
});

describe('Checkout in a currency, with Stripe Tax', () => {
  it("opens in one of the price's currencies and refuses one it does not offer", async () => {
    const eur = await session({ currency: 'eur' });
    expect(eur.currency).toBe('eur');
    expect(eur.amount_total).toBe(899);
    const items = await h.stripe.checkout.sessions.listLineItems(eur.id);
    expect(items.data[0]).toMatchObject({ currency: 'eur', amount_total: 899 });
    const refused = await refusal(session({ currency: 'jpy' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.param).toBe('currency');
  });

  it('a subscription started in a currency option bills in it', async () => {
    const customer = await h.stripe.customers.create({ email: 'eur@example.com' });
    const eur = await session({ currency: 'eur' }, customer.id);
    expect((await h.control.completeCheckout(eur.id, '4242424242424242')).ok).toBe(true);
    const [sub] = (await h.stripe.subscriptions.list({ customer: customer.id })).data;
    expect(sub).toMatchObject({ currency: 'eur', status: 'active' });
    const [invoice] = (await h.stripe.invoices.list({ customer: customer.id })).data;
    expect(invoice).toMatchObject({ currency: 'eur', amount_paid: 899 });
    expect(invoice?.lines.data[0]?.currency).toBe('eur');
    const [charge] = (await h.stripe.charges.list({ customer: customer.id })).data;
    expect(charge).toMatchObject({ currency: 'eur', amount: 899 });
  });

  it('automatic tax and tax ids for an existing customer need customer_update, as Stripe demands', async () => {
    const customer = await h.stripe.customers.create({ email: 'tax@example.com' });
    const noAddress = await refusal(session({ automatic_tax: { enabled: true } }, customer.id));
    expect(noAddress.param).toBe('automatic_tax[enabled]');
    const noName = await refusal(
      session(
        {
          automatic_tax: { enabled: true },
          tax_id_collection: { enabled: true },
          customer_update: { address: 'auto' },
        },
        customer.id,
      ),
    );
    expect(noName.param).toBe('tax_id_collection[enabled]');
    const bad = await refusal(session({ billing_address_collection: 'sometimes' as 'auto' }, customer.id));
    expect(bad.param).toBe('billing_address_collection');
    const ok = await session(
      {
        automatic_tax: { enabled: true },
        billing_address_collection: 'required',
        tax_id_collection: { enabled: true },
        customer_update: { address: 'auto', name: 'auto' },
      },
      customer.id,
    );
    expect(ok.automatic_tax).toMatchObject({ enabled: true, status: 'requires_location_inputs' });
    expect(ok.billing_address_collection).toBe('required');
    expect(ok.tax_id_collection?.enabled).toBe(true);
    // Without a customer, Checkout makes one from what it collects: customer_update is refused.
    expect((await refusal(session({ customer_update: { address: 'auto' } }))).param).toBe('customer_update');
  });
});

describe('billing portal configurations and webhook endpoints', () => {
  it('creates a configuration Stripe would accept, and portal sessions use it by id', async () => {
    const customer = await h.stripe.customers.create({ email: 'portal@example.com' });
    const noProducts = await refusal(
      h.stripe.billingPortal.configurations.create({
        features: { subscription_update: { enabled: true, default_allowed_updates: ['price'] } },
      }),
    );
    expect(noProducts.param).toBe('features[subscription_update][products]');
    const config = await h.stripe.billingPortal.configurations.create({
      features: {
        subscription_cancel: {
          enabled: true,
          mode: 'at_period_end',
          cancellation_reason: { enabled: true, options: ['too_expensive', 'unused', 'other'] },
        },
        subscription_pause: { enabled: true },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price'],
          proration_behavior: 'create_prorations',
          products: [{ product: EMULATOR_PRODUCT, prices: [EMULATOR_PRICE_MONTHLY] }],
        },
        payment_method_update: { enabled: true },
        invoice_history: { enabled: true },
      },
      metadata: { onepass: 'portal' },
    });
    expect(config.features.subscription_cancel.cancellation_reason.options).toEqual([
      'too_expensive',
      'unused',
      'other',
    ]);
    expect(config.is_default).toBe(false);
    const portal = await h.stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config.id,
    });
    expect(portal.configuration).toBe(config.id);
    const missing = await refusal(
      h.stripe.billingPortal.sessions.create({ customer: customer.id, configuration: 'bpc_missing' }),
    );
    expect(missing.param).toBe('configuration');
    await h.stripe.billingPortal.configurations.update(config.id, { active: false });
    expect(
      (
        await refusal(
          h.stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id }),
        )
      ).param,
    ).toBe('configuration');
  });

  it('creates webhook endpoints with their secret shown once', async () => {
    const created = await h.stripe.webhookEndpoints.create({
      url: 'https://onepass.example/v1/webhooks/stripe',
      enabled_events: ['customer.subscription.updated', 'invoice.paid'],
      metadata: { onepass: 'webhook' },
    });
    expect(created.secret).toMatch(/^whsec_/);
    const again = await h.stripe.webhookEndpoints.retrieve(created.id);
    expect(again.secret).toBeUndefined();
    expect((await h.stripe.webhookEndpoints.list()).data.map((e) => e.id)).toEqual([created.id]);
    const bad = await refusal(h.stripe.webhookEndpoints.create({ url: 'not a url', enabled_events: ['*'] }));
    expect(bad.param).toBe('url');
    await h.stripe.webhookEndpoints.del(created.id);
    expect((await h.stripe.webhookEndpoints.list()).data).toEqual([]);
  });
});
