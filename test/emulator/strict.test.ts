/**
 * @module The emulator is as strict as Stripe (issue 15, item 11): unknown parameters and `expand[]`
 * paths are refused with Stripe's errors, and every object it answers has the structure of the
 * SDK's own type for it (no property the type lacks, every property the type requires).
 */

import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_PRICE_MONTHLY, EMULATOR_SECRET_KEY } from '../../tools/stripe-emulator/constants';
import { interfaceShape, sdkTypes } from '../../tools/stripe-emulator/params';
import { checkoutSession, type Harness, startHarness, T0 } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.control.reset(T0);
});
afterAll(async () => {
  await h.emu.close();
});

describe('unknown parameters and expand paths', () => {
  it('refuses an unknown parameter with parameter_unknown, on POST and GET', async () => {
    await expect(
      h.stripe.customers.create({ email: 'a@example.com', colour: 'blue' } as Stripe.CustomerCreateParams),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'colour' });
    const res = await fetch(`${h.emu.url}/v1/customers?limit=2&sort=asc`, {
      headers: { authorization: `Bearer ${EMULATOR_SECRET_KEY}` },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        type: 'invalid_request_error',
        code: 'parameter_unknown',
        param: 'sort',
        message: 'Received unknown parameter: sort',
      },
    });
    // Nothing was created by the refused call; known parameters pass.
    expect((await h.stripe.customers.list()).data).toHaveLength(0);
    const made = await h.stripe.customers.create({ email: 'a@example.com', metadata: { reader_id: 'r' } });
    expect(made.email).toBe('a@example.com');
  });

  it('refuses an unknown nested parameter at any depth, by the SDK’s nested types', async () => {
    const { session } = await checkoutSession(h.stripe);
    const done = await h.control.completeCheckout(session.id);
    if (!done.ok) throw new Error('checkout failed');
    const sub = done.subscription;
    const item = sub.items.data[0]?.id ?? '';
    await expect(
      h.stripe.subscriptions.update(sub.id, {
        items: [{ id: item, quantty: 2 }],
      } as unknown as Stripe.SubscriptionUpdateParams),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'items[0][quantty]' });
    await expect(
      h.stripe.subscriptions.update(sub.id, {
        cancellation_details: { coment: 'x' },
      } as unknown as Stripe.SubscriptionUpdateParams),
    ).rejects.toMatchObject({ message: 'Received unknown parameter: cancellation_details[coment]' });
    await expect(
      h.stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: EMULATOR_PRICE_MONTHLY, quantity: 1 }],
        success_url: 'http://127.0.0.1/ok',
        subscription_data: {
          trial_period_days: 3,
          trial_settings: { end_behavior: { missing_payment_methd: 'pause' } },
        },
      } as unknown as Stripe.Checkout.SessionCreateParams),
    ).rejects.toMatchObject({
      param: 'subscription_data[trial_settings][end_behavior][missing_payment_methd]',
    });
    // Nothing changed; the same calls spelled right pass (metadata keys are free).
    expect((await h.stripe.subscriptions.retrieve(sub.id)).items.data[0]?.quantity).toBe(1);
    const updated = await h.stripe.subscriptions.update(sub.id, {
      items: [{ id: item, quantity: 2 }],
      proration_behavior: 'none',
      metadata: { anything_at_all: 'yes' },
    });
    expect(updated.items.data[0]?.quantity).toBe(2);
  });

  it('refuses an expand path that names no expandable property; expands the real ones', async () => {
    const { session } = await checkoutSession(h.stripe);
    const done = await h.control.completeCheckout(session.id);
    if (!done.ok) throw new Error('checkout failed');
    const id = done.subscription.id;
    await expect(h.stripe.subscriptions.retrieve(id, { expand: ['latest_invoyce'] })).rejects.toMatchObject({
      statusCode: 400,
      message: 'This property cannot be expanded (latest_invoyce).',
    });
    await expect(h.stripe.subscriptions.retrieve(id, { expand: ['status'] })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(h.stripe.subscriptions.list({ expand: ['customer'] })).rejects.toMatchObject({
      statusCode: 400,
      message: 'This property cannot be expanded (customer).',
    });
    const sub = await h.stripe.subscriptions.retrieve(id, { expand: ['latest_invoice', 'customer'] });
    expect((sub.latest_invoice as Stripe.Invoice).object).toBe('invoice');
    const list = await h.stripe.subscriptions.list({ expand: ['data.customer'] });
    const [first] = list.data;
    expect((first?.customer as Stripe.Customer | undefined)?.object).toBe('customer');
  });
});

describe('objects against the SDK types', () => {
  it('every object has the properties of its SDK type, and no other', async () => {
    await h.control.reset(T0);
    const { session } = await checkoutSession(h.stripe);
    const done = await h.control.completeCheckout(session.id, '4000000000000259');
    if (!done.ok) throw new Error('checkout failed');
    const subscription = await h.stripe.subscriptions.retrieve(done.subscription.id);
    const customer = await h.stripe.customers.retrieve(String(subscription.customer));
    const invoice = await h.stripe.invoices.retrieve(String(subscription.latest_invoice));
    const [charge] = (await h.stripe.charges.list({ customer: customer.id })).data;
    const [payment] = (await h.stripe.invoicePayments.list({ invoice: invoice.id })).data;
    const [dispute] = (await h.stripe.disputes.list()).data;
    const refund = await h.stripe.refunds.create({ charge: charge?.id ?? '', amount: 100 });
    const price = await h.stripe.prices.retrieve(EMULATOR_PRICE_MONTHLY);
    const product = await h.stripe.products.retrieve(String(price.product));
    const checkout = await h.stripe.checkout.sessions.retrieve(session.id);
    const [event] = (await h.stripe.events.list({ limit: 1 })).data;
    const objects: [string, string, object | undefined][] = [
      ['Customers', 'Customer', customer],
      ['Subscriptions', 'Subscription', subscription],
      ['Invoices', 'Invoice', invoice],
      ['Charges', 'Charge', charge],
      ['InvoicePayments', 'InvoicePayment', payment],
      ['Disputes', 'Dispute', dispute],
      ['Refunds', 'Refund', refund],
      ['Prices', 'Price', price],
      ['Products', 'Product', product],
      ['Checkout/Sessions', 'Session', checkout],
      ['Events', 'EventBase', event],
    ];
    const problems: string[] = [];
    for (const [resource, type, object] of objects) {
      const source = sdkTypes(resource);
      const shape = source === null ? null : interfaceShape(source, type);
      if (!shape || !object) {
        problems.push(`${type}: ${shape ? 'no object' : 'no SDK type'}`);
        continue;
      }
      // The SDK adds `lastResponse` to what it returns; it is not part of the wire object.
      const keys = Object.keys(object).filter((k) => k !== 'lastResponse');
      for (const k of keys)
        if (!shape.all.has(k) && !(type === 'EventBase' && k === 'type'))
          problems.push(`${type}.${k}: not in the SDK type`);
      for (const k of shape.required) if (!keys.includes(k)) problems.push(`${type}.${k}: missing`);
    }
    expect(problems).toEqual([]);
  });
});
