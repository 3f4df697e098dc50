/** @module Emulator Checkout in `mode=payment` as Stripe: price_data made an inline one-time price, a charge at completion, refunds by payment intent. */

import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMULATOR_PRICE_MONTHLY, TEST_CARDS } from '../../tools/stripe-emulator/constants';
import { eventTypes, type Harness, startHarness, T0 } from './helpers';

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

const create = (extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) =>
  h.stripe.checkout.sessions.create({
    mode: 'payment',
    customer_email: 'buyer@example.com',
    line_items: [
      {
        price_data: { currency: 'eur', unit_amount: 2697, product_data: { name: 'Gift: 3 months' } },
        quantity: 1,
      },
    ],
    metadata: { gift_id: 'gft_1' },
    payment_intent_data: { metadata: { gift_id: 'gft_1' } },
    success_url: 'http://127.0.0.1:8787/gift/thanks?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:8787/gift',
    ...extra,
  });

describe('Checkout in payment mode', () => {
  it('charges the card once at completion; the charge carries payment_intent_data metadata', async () => {
    const session = await create();
    expect(session).toMatchObject({ mode: 'payment', amount_total: 2697, currency: 'eur', status: 'open' });
    const declined = await h.control.completeCheckout(session.id, TEST_CARDS.declined);
    expect(declined.ok).toBe(false);
    const done = await h.control.completeCheckout(session.id, TEST_CARDS.success);
    expect(done.ok).toBe(true);
    const paid = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid', subscription: null });
    const charges = (await h.stripe.charges.list({ payment_intent: String(paid.payment_intent) })).data;
    expect(charges.map((c) => c.status).sort()).toEqual(['failed', 'succeeded']);
    expect(charges.find((c) => c.status === 'succeeded')?.metadata).toEqual({ gift_id: 'gft_1' });
    expect(await eventTypes(h.stripe)).toContain('checkout.session.completed');
    expect((await h.stripe.subscriptions.list()).data).toEqual([]);

    await h.stripe.refunds.create({ payment_intent: String(paid.payment_intent) });
    expect(await eventTypes(h.stripe)).toContain('charge.refunded');
  });

  it('refuses recurring prices and subscription_data, as Stripe does', async () => {
    const refused = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        return (err as Stripe.errors.StripeError).param;
      }
      return 'accepted';
    };
    expect(await refused(create({ line_items: [{ price: EMULATOR_PRICE_MONTHLY, quantity: 1 }] }))).toBe(
      'line_items[0][price]',
    );
    expect(await refused(create({ subscription_data: { metadata: { a: 'b' } } }))).toBe('subscription_data');
    expect(
      await refused(
        create({ line_items: [{ price_data: { currency: 'eur', unit_amount: 5 }, quantity: 1 }] }),
      ),
    ).toBe('line_items[0][price_data]');
  });
});
