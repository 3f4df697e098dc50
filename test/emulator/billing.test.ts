/** @module Billing scenarios through the real SDK: checkout, trials, renewals, failures, dunning, refunds, plan changes. */

import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MORE_TEST_CARDS } from '../../tools/stripe-emulator/cards';
import { EMULATOR_PRICE_ANNUAL, TEST_CARDS } from '../../tools/stripe-emulator/constants';
import { checkoutSession, DAY, eventTypes, type Harness, startHarness, T0 } from './helpers';

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

/** 2026-12-02T10:00:00Z: one calendar month after T0. */
const ONE_MONTH_LATER = Date.UTC(2026, 11, 2, 10, 0, 0) / 1000;

async function subscribe(options: { trialEnd?: number; card?: string } = {}) {
  const { customer, session } = await checkoutSession(h.stripe, options);
  const result = await h.control.completeCheckout(session.id, options.card ?? TEST_CARDS.success);
  if (!result.ok) throw new Error(result.error.message);
  return { customer, session, subscription: result.subscription, redirectUrl: result.redirect_url };
}

function invoiceSubscription(invoice: Stripe.Invoice): string | undefined {
  const sub = invoice.parent?.subscription_details?.subscription;
  return typeof sub === 'string' ? sub : sub?.id;
}

describe('checkout without a trial', () => {
  it('charges at once: active subscription, paid invoice, events in order', async () => {
    const { customer, session, subscription, redirectUrl } = await subscribe();
    expect(redirectUrl).toBe(`http://127.0.0.1:8787/account?session_id=${session.id}`);
    expect(session.url).toBe(`${h.emu.url}/checkout/${session.id}`);

    const sub = await h.stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
    expect(sub).toMatchObject({
      status: 'active',
      customer: customer.id,
      cancel_at_period_end: false,
      trial_end: null,
    });
    expect(sub.items.data[0]).toMatchObject({
      price: { id: 'price_monthly_emulator' },
      current_period_start: T0,
      current_period_end: ONE_MONTH_LATER,
    });
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      status: 'paid',
      amount_paid: 999,
      billing_reason: 'subscription_create',
    });
    expect(invoiceSubscription(invoice)).toBe(sub.id);

    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] });
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', customer: customer.id });
    expect((done.subscription as Stripe.Subscription).id).toBe(sub.id);

    const [charge] = (await h.stripe.charges.list({ customer: customer.id })).data;
    expect(charge).toMatchObject({ amount: 999, paid: true, status: 'succeeded', customer: customer.id });
    // Real invoice charges carry no metadata pointing back: the invoice payment links them.
    expect(charge?.metadata).toEqual({});
    const payments = await h.stripe.invoicePayments.list({ invoice: invoice.id });
    expect(payments.data[0]?.payment).toMatchObject({
      type: 'payment_intent',
      payment_intent: charge?.payment_intent,
    });

    expect(await eventTypes(h.stripe)).toEqual([
      'customer.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'charge.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
      'checkout.session.completed',
    ]);
    const [completed] = (await h.stripe.events.list({ type: 'checkout.session.completed' })).data;
    expect(completed?.data.object).toMatchObject({
      id: session.id,
      subscription: sub.id,
      client_reference_id: 'rdr_test',
    });
  });

  it('renews after a period, and cancels at period end when asked', async () => {
    const { subscription } = await subscribe();
    const { events } = await h.control.advance({ seconds: 31 * DAY });
    expect(events.map((e) => e.type)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'charge.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
    ]);
    expect(events.every((e) => e.created === ONE_MONTH_LATER)).toBe(true);
    const renewed = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.items.data[0]?.current_period_start).toBe(ONE_MONTH_LATER);
    const periodEnd = renewed.items.data[0]?.current_period_end ?? 0;
    expect(periodEnd).toBe(Date.UTC(2027, 0, 2, 10) / 1000);
    const invoices = await h.stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((i) => i.billing_reason)).toEqual(['subscription_cycle', 'subscription_create']);

    const ending = await h.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(ending).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_at: periodEnd });
    const { events: atEnd } = await h.control.advance({ to: periodEnd + 60 });
    expect(atEnd.map((e) => e.type)).toEqual(['customer.subscription.deleted']);
    expect(atEnd[0]?.created).toBe(periodEnd);
    const ended = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: periodEnd, canceled_at: T0 + 31 * DAY });
    expect((await h.stripe.subscriptions.list({ customer: String(ended.customer) })).data).toHaveLength(0);
    expect((await h.stripe.subscriptions.list({ status: 'all' })).data).toHaveLength(1);
  });

  it('refunds a charge with charge.refunded', async () => {
    const { customer } = await subscribe();
    const [charge] = (await h.stripe.charges.list({ customer: customer.id })).data;
    const partial = await h.stripe.refunds.create({ charge: charge?.id ?? '', amount: 300 });
    expect(partial).toMatchObject({ object: 'refund', amount: 300, status: 'succeeded', charge: charge?.id });
    const full = await h.stripe.refunds.create({ payment_intent: String(charge?.payment_intent) });
    expect(full.amount).toBe(699);
    await expect(h.stripe.refunds.create({ charge: charge?.id ?? '' })).rejects.toMatchObject({
      statusCode: 400,
    });

    const refunded = (await h.stripe.events.list({ type: 'charge.refunded' })).data.map(
      (e) => e.data.object as Stripe.Charge,
    );
    expect(refunded.map((c) => [c.amount_refunded, c.refunded])).toEqual([
      [999, true],
      [300, false],
    ]);
    expect(refunded[0]).toMatchObject({ customer: customer.id, metadata: {} });
  });

  it.each([
    [TEST_CARDS.chargeFails, 'card_declined', 'generic_decline'],
    [TEST_CARDS.declined, 'card_declined', 'generic_decline'],
    [MORE_TEST_CARDS.insufficientFunds, 'card_declined', 'insufficient_funds'],
  ])(
    'a first payment refused (%s) leaves an incomplete subscription, expired after 23 hours',
    async (card, code, declineCode) => {
      const { session } = await checkoutSession(h.stripe);
      const result = await h.control.completeCheckout(session.id, card);
      expect(result).toMatchObject({ ok: false, error: { code, decline_code: declineCode } });
      const [sub] = (await h.stripe.subscriptions.list({ status: 'all' })).data;
      expect(sub).toMatchObject({ status: 'incomplete', ended_at: null });
      const invoice = await h.stripe.invoices.retrieve(String(sub?.latest_invoice));
      expect(invoice).toMatchObject({ status: 'open', amount_paid: 0, attempt_count: 1 });
      expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
      expect(await eventTypes(h.stripe)).toEqual([
        'customer.created',
        'customer.subscription.created',
        'invoice.created',
        'invoice.finalized',
        'charge.failed',
        'invoice.payment_failed',
      ]);
      // Stripe leaves an unpaid incomplete subscription for 23 hours, then ends it for good.
      await h.control.advance({ to: (sub?.created ?? 0) + 23 * 3600 - 1 });
      expect((await h.stripe.subscriptions.retrieve(sub?.id ?? '')).status).toBe('incomplete');
      await h.control.advance({ seconds: 1 });
      const expired = await h.stripe.subscriptions.retrieve(sub?.id ?? '');
      expect(expired).toMatchObject({ status: 'incomplete_expired', ended_at: T0 + 23 * 3600 });
      expect((await h.stripe.invoices.retrieve(invoice.id)).status).toBe('void');
      const updated = (await h.stripe.events.list({ type: 'customer.subscription.updated', limit: 1 }))
        .data[0];
      expect(updated?.data.previous_attributes).toMatchObject({ status: 'incomplete' });
      expect((await h.stripe.subscriptions.list({ customer: String(sub?.customer) })).data).toHaveLength(0);
    },
  );

  it('a second attempt on the same session pays the incomplete subscription: one subscription, active', async () => {
    const { session } = await checkoutSession(h.stripe);
    expect((await h.control.completeCheckout(session.id, TEST_CARDS.declined)).ok).toBe(false);
    const again = await h.control.completeCheckout(session.id, TEST_CARDS.success);
    expect(again.ok).toBe(true);
    const subs = (await h.stripe.subscriptions.list({ status: 'all' })).data;
    expect(subs.map((s) => s.status)).toEqual(['active']);
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).subscription).toBe(subs[0]?.id);
  });

  it('its open invoice paid through the API (a new card first) makes the incomplete subscription active', async () => {
    const { session, customer } = await checkoutSession(h.stripe);
    expect((await h.control.completeCheckout(session.id, MORE_TEST_CARDS.insufficientFunds)).ok).toBe(false);
    const [sub] = (await h.stripe.subscriptions.list({ status: 'incomplete' })).data;
    await h.control.replaceCard(customer.id, TEST_CARDS.success);
    const paid = await h.stripe.invoices.pay(String(sub?.latest_invoice));
    expect(paid.status).toBe('paid');
    expect((await h.stripe.subscriptions.retrieve(sub?.id ?? '')).status).toBe('active');
    const updated = (await h.stripe.events.list({ type: 'customer.subscription.updated', limit: 1 })).data[0];
    expect(updated?.data.previous_attributes).toMatchObject({ status: 'incomplete' });
  });

  it.each([MORE_TEST_CARDS.authenticate, MORE_TEST_CARDS.authenticate3ds2])(
    '%s: 3-D Secure abandoned leaves it incomplete, with no charge; completed, it pays and renews off session',
    async (number) => {
      const { session } = await checkoutSession(h.stripe);
      const abandoned = await h.control.completeCheckout(session.id, { number, authenticate: false });
      expect(abandoned).toMatchObject({ ok: false, error: { code: 'authentication_required' } });
      const [sub] = (await h.stripe.subscriptions.list({ status: 'all' })).data;
      expect(sub?.status).toBe('incomplete');
      expect((await h.stripe.charges.list()).data).toHaveLength(0);
      const types = await eventTypes(h.stripe);
      expect(types.slice(-2)).toEqual(['invoice.payment_failed', 'invoice.payment_action_required']);

      const done = await h.control.completeCheckout(session.id, { number });
      expect(done.ok).toBe(true);
      expect((await h.stripe.subscriptions.retrieve(sub?.id ?? '')).status).toBe('active');
      await h.control.advance({ seconds: 32 * DAY });
      expect((await h.stripe.subscriptions.retrieve(sub?.id ?? '')).status).toBe('active');
      expect((await h.stripe.charges.list()).data.map((c) => c.status)).toEqual(['succeeded', 'succeeded']);
    },
  );
});

describe('checkout with a Stripe trial', () => {
  it('trials without a charge, then bills at trial end', async () => {
    const trialEnd = T0 + 14 * DAY;
    const { subscription, customer } = await subscribe({ trialEnd });
    expect(subscription).toMatchObject({ status: 'trialing', trial_start: T0, trial_end: trialEnd });
    expect(subscription.items.data[0]?.current_period_end).toBe(trialEnd);
    expect((await h.stripe.charges.list({ customer: customer.id })).data).toHaveLength(0);
    expect(await eventTypes(h.stripe)).toEqual([
      'customer.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'checkout.session.completed',
    ]);

    const early = await h.control.advance({ seconds: 10 * DAY });
    expect(early.events).toEqual([]);
    const { events } = await h.control.advance({ to: trialEnd + 1 });
    expect(events.map((e) => [e.type, e.created])).toEqual([
      ['customer.subscription.trial_will_end', trialEnd - 3 * DAY],
      ['invoice.created', trialEnd],
      ['invoice.finalized', trialEnd],
      ['charge.succeeded', trialEnd],
      ['invoice.paid', trialEnd],
      ['invoice.payment_succeeded', trialEnd],
      ['customer.subscription.updated', trialEnd],
    ]);
    expect(events.at(-1)?.data.previous_attributes).toMatchObject({ status: 'trialing' });
    const sub = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(sub.status).toBe('active');
    expect(sub.items.data[0]).toMatchObject({ current_period_start: trialEnd });
  });

  it('refuses a trial_end less than 48 hours ahead', async () => {
    const customer = await h.stripe.customers.create({ email: 'soon@example.com' });
    const attempt = h.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_monthly_emulator', quantity: 1 }],
      success_url: 'http://127.0.0.1:8787/ok',
      subscription_data: { trial_end: T0 + 47 * 3600 },
    });
    await expect(attempt).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(attempt).rejects.toMatchObject({ statusCode: 400, param: 'subscription_data[trial_end]' });
  });

  it('with 0341: trialing, then past_due at trial end; a new card and a payment heal it', async () => {
    const trialEnd = T0 + 3 * DAY;
    const { subscription, customer } = await subscribe({ trialEnd, card: TEST_CARDS.chargeFails });
    expect(subscription.status).toBe('trialing');
    const { events } = await h.control.advance({ to: trialEnd });
    expect(events.map((e) => e.type)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'charge.failed',
      'invoice.payment_failed',
      'customer.subscription.updated',
    ]);
    // The trial was shorter than three days, so trial_will_end went out at checkout.
    expect((await h.stripe.events.list({ type: 'customer.subscription.trial_will_end' })).data).toHaveLength(
      1,
    );
    const pastDue = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(pastDue.status).toBe('past_due');
    const invoiceId = String(pastDue.latest_invoice);
    await expect(h.stripe.invoices.pay(invoiceId)).rejects.toBeInstanceOf(Stripe.errors.StripeCardError);

    await h.control.replaceCard(customer.id, TEST_CARDS.success);
    const paid = await h.stripe.invoices.pay(invoiceId);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 999 });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
  });

  it('cancels a subscription still past_due 14 days after the failure', async () => {
    const { subscription } = await subscribe();
    await h.control.failNextCharge(subscription.id);
    await h.control.advance({ to: ONE_MONTH_LATER });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    const { events } = await h.control.advance({ seconds: 14 * DAY });
    expect(events.map((e) => e.type)).toEqual(['customer.subscription.deleted']);
    expect(events[0]?.data.object).toMatchObject({
      status: 'canceled',
      ended_at: ONE_MONTH_LATER + 14 * DAY,
      cancellation_details: { reason: 'payment_failed' },
    });
  });
});

describe('subscription updates', () => {
  it('changes plan, merges metadata and cancels immediately', async () => {
    const { subscription } = await subscribe();
    const itemId = subscription.items.data[0]?.id ?? '';
    const changed = await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: EMULATOR_PRICE_ANNUAL }],
      metadata: { plan: 'annual' },
      proration_behavior: 'none',
    });
    expect(changed.items.data[0]?.price.id).toBe(EMULATOR_PRICE_ANNUAL);
    expect(changed.items.data[0]?.current_period_end).toBe(Date.UTC(2027, 10, 2, 10) / 1000);
    expect(changed.metadata).toEqual({ reader_id: 'rdr_test', plan: 'annual' });
    const [updated] = (await h.stripe.events.list({ type: 'customer.subscription.updated', limit: 1 })).data;
    expect(Object.keys(updated?.data.previous_attributes ?? {}).sort()).toEqual(['items', 'metadata']);

    await h.control.advance({ seconds: DAY });
    const canceled = await h.stripe.subscriptions.cancel(subscription.id);
    expect(canceled).toMatchObject({ status: 'canceled', ended_at: T0 + DAY, canceled_at: T0 + DAY });
  });

  it('pauses and resumes with their events', async () => {
    const { subscription } = await subscribe();
    await h.control.pauseSubscription(subscription.id);
    await h.control.advance({ seconds: 40 * DAY });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe('paused');
    const resumed = await h.stripe.subscriptions.resume(subscription.id);
    expect(resumed.status).toBe('active');
    expect(resumed.items.data[0]?.current_period_start).toBe(T0 + 40 * DAY);
    const types = await eventTypes(h.stripe);
    expect(types.slice(-9)).toEqual([
      'customer.subscription.updated',
      'customer.subscription.paused',
      'invoice.created',
      'invoice.finalized',
      'charge.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
      'customer.subscription.resumed',
    ]);
  });
});

describe('checkout sessions', () => {
  it('lists line items, expands lists and expires an unused session after 24 hours', async () => {
    const { session, customer } = await checkoutSession(h.stripe);
    const items = await h.stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data[0]).toMatchObject({
      object: 'item',
      quantity: 1,
      amount_total: 999,
      price: { id: 'price_monthly_emulator' },
    });
    const listed = await h.stripe.checkout.sessions.list({
      customer: customer.id,
      expand: ['data.customer'],
    });
    expect(listed.data[0]?.customer).toMatchObject({ object: 'customer', email: 'reader@example.com' });

    const { events } = await h.control.advance({ seconds: DAY + 1 });
    expect(events.map((e) => [e.type, e.created])).toEqual([['checkout.session.expired', T0 + DAY]]);
    expect(await h.control.completeCheckout(session.id)).toMatchObject({
      ok: false,
      error: { code: 'session_expired' },
    });
    await expect(h.control.advance({ to: T0 })).rejects.toMatchObject({ status: 400 });
  });
});

describe('a trial that ends without a payment method', () => {
  async function cardlessTrial(missing: 'pause' | 'cancel' | 'create_invoice') {
    const customer = await h.stripe.customers.create({ email: 'nocard@example.com' });
    const trialEnd = T0 + 7 * DAY;
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_monthly_emulator', quantity: 1 }],
      success_url: 'http://127.0.0.1:8787/account',
      payment_method_collection: 'if_required',
      subscription_data: {
        trial_end: trialEnd,
        trial_settings: { end_behavior: { missing_payment_method: missing } },
      },
    });
    expect(session.payment_method_collection).toBe('if_required');
    const done = await h.control.completeCheckout(session.id, null);
    if (!done.ok) throw new Error(done.error.message);
    expect(done.subscription).toMatchObject({
      status: 'trialing',
      default_payment_method: null,
      trial_settings: { end_behavior: { missing_payment_method: missing } },
    });
    return { subscription: done.subscription, trialEnd, customer };
  }

  it('missing_payment_method=pause: paused at trial end, with status_details, no invoice, no charge', async () => {
    const { subscription, trialEnd, customer } = await cardlessTrial('pause');
    const invoicesBefore = (await h.stripe.invoices.list({ customer: customer.id })).data.length;
    await h.control.advance({ to: trialEnd + 60 });
    const paused = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(paused).toMatchObject({
      status: 'paused',
      pause_collection: null,
      status_details: {
        paused: {
          type: 'subscription',
          subscription: { type: 'trial_end_without_payment_method' },
          transitioned_at: trialEnd,
        },
      },
    });
    expect((await h.stripe.invoices.list({ customer: customer.id })).data).toHaveLength(invoicesBefore);
    expect((await h.stripe.charges.list({ customer: customer.id })).data).toHaveLength(0);
    const types = await eventTypes(h.stripe);
    expect(types.slice(-2)).toEqual(['customer.subscription.updated', 'customer.subscription.paused']);
    // A paused subscription does not advance.
    await h.control.advance({ seconds: 40 * DAY });
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).status).toBe('paused');
  });

  it('missing_payment_method=cancel: canceled at trial end', async () => {
    const { subscription, trialEnd } = await cardlessTrial('cancel');
    await h.control.advance({ to: trialEnd + 60 });
    expect(await h.stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      status: 'canceled',
      ended_at: trialEnd,
    });
  });

  it('a session that collects a card always refuses to complete without one', async () => {
    const { session } = await checkoutSession(h.stripe, { trialEnd: T0 + 7 * DAY });
    const result = await h.control.completeCheckout(session.id, null);
    expect(result).toMatchObject({ ok: false });
    expect((await h.stripe.subscriptions.list({ status: 'all' })).data).toHaveLength(0);
  });
});
