/**
 * @module Stripe's test-clock API on the emulator (issue 15, item 11): a clock is created, a customer
 * made on it, and advancing the clock bills the customer's subscription as time passes, with
 * Stripe's clock events; the clock is deleted at the end.
 */

import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_PRICE_MONTHLY } from '../../tools/stripe-emulator/constants';
import { DAY, type Harness, startHarness, T0 } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.control.reset(T0);
});
afterAll(async () => {
  await h.emu.close();
});

describe('/v1/test_helpers/test_clocks', () => {
  it('create, a customer on it, advance (the renewal is billed), list, delete', async () => {
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: T0, name: 'renewal' });
    expect(clock).toMatchObject({ object: 'test_helpers.test_clock', frozen_time: T0, status: 'ready' });
    const customer = await h.stripe.customers.create({ email: 'clock@example.com', test_clock: clock.id });
    expect(customer.test_clock).toBe(clock.id);
    await expect(
      h.stripe.customers.create({ email: 'x@example.com', test_clock: 'clock_missing0000' }),
    ).rejects.toMatchObject({ statusCode: 404 });

    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: EMULATOR_PRICE_MONTHLY, quantity: 1 }],
      success_url: 'http://127.0.0.1:8787/account',
    });
    expect((await h.control.completeCheckout(session.id)).ok).toBe(true);

    const advancing = await h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 32 * DAY });
    expect(advancing.status).toBe('advancing');
    expect(advancing.status_details.advancing?.target_frozen_time).toBe(T0 + 32 * DAY);
    const ready = await h.stripe.testHelpers.testClocks.retrieve(clock.id);
    expect(ready).toMatchObject({ status: 'ready', frozen_time: T0 + 32 * DAY });
    const invoices = (await h.stripe.invoices.list({ customer: customer.id })).data;
    expect(invoices.map((i) => [i.billing_reason, i.status])).toEqual([
      ['subscription_cycle', 'paid'],
      ['subscription_create', 'paid'],
    ]);
    const types = (await h.stripe.events.list({ type: 'test_helpers.test_clock.*' })).data.map((e) => e.type);
    expect(types).toEqual([
      'test_helpers.test_clock.ready',
      'test_helpers.test_clock.advancing',
      'test_helpers.test_clock.created',
    ]);

    // One timeline: a clock cannot go back, nor be created in the past.
    await expect(
      h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'frozen_time',
    });
    await expect(h.stripe.testHelpers.testClocks.create({ frozen_time: T0 })).rejects.toMatchObject({
      statusCode: 400,
    });
    expect((await h.stripe.testHelpers.testClocks.list()).data.map((c) => c.id)).toEqual([clock.id]);

    const deleted: Stripe.TestHelpers.DeletedTestClock = await h.stripe.testHelpers.testClocks.del(clock.id);
    expect(deleted).toMatchObject({ id: clock.id, deleted: true });
    await expect(h.stripe.testHelpers.testClocks.retrieve(clock.id)).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
