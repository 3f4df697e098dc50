/**
 * @module Subscription updates billed at once and Stripe's pending updates (issue 15, item 11):
 * `billing_cycle_anchor=now` starts a period now at the new price and charges it; with
 * `payment_behavior=pending_if_incomplete` a declined charge leaves the subscription as it was, the
 * change waiting in `pending_update` until its invoice is paid (then
 * `customer.subscription.pending_update_applied`) or until it expires after 23 h (invoice voided,
 * `customer.subscription.pending_update_expired`). Parameters Stripe refuses with it are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_PRICE_ANNUAL, EMULATOR_PRICE_MONTHLY } from '../../tools/stripe-emulator/constants';
import { eventTypes, type Harness, payingSubscription, startHarness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emu.close();
});

const paying = () => payingSubscription(h);

function switchToAnnualNow(id: string, pending: boolean) {
  return h.stripe.subscriptions.retrieve(id).then((sub) =>
    h.stripe.subscriptions.update(id, {
      items: [{ id: sub.items.data[0]?.id ?? '', price: EMULATOR_PRICE_ANNUAL }],
      billing_cycle_anchor: { type: 'now' },
      proration_behavior: 'none',
      ...(pending ? { payment_behavior: 'pending_if_incomplete' as const } : {}),
    }),
  );
}

const annualAmount = async () => (await h.stripe.prices.retrieve(EMULATOR_PRICE_ANNUAL)).unit_amount ?? 0;

describe('updates billed now, and pending updates', () => {
  it('billing_cycle_anchor=now with a good card: the new price from now, charged at once', async () => {
    const { subscription } = await paying();
    const now = (await h.control.clock()).now;
    const updated = await switchToAnnualNow(subscription.id, true);
    expect(updated.pending_update).toBeNull();
    expect(updated.items.data[0]?.price.id).toBe(EMULATOR_PRICE_ANNUAL);
    expect(updated.billing_cycle_anchor).toBe(now);
    expect(updated.items.data[0]?.current_period_start).toBe(now);
    const invoice = await h.stripe.invoices.retrieve(String(updated.latest_invoice));
    expect(invoice).toMatchObject({ status: 'paid', billing_reason: 'subscription_update' });
    expect(invoice.amount_paid).toBe(await annualAmount());
  });

  it('pending_if_incomplete with a declined card: nothing changes but pending_update; paying applies it', async () => {
    const { customer, subscription } = await paying();
    await h.control.replaceCard(customer.id, '4000000000000341');
    const now = (await h.control.clock()).now;
    const updated = await switchToAnnualNow(subscription.id, true);
    expect(updated.status).toBe('active');
    expect(updated.items.data[0]?.price.id).toBe(EMULATOR_PRICE_MONTHLY);
    expect(updated.pending_update).toMatchObject({
      billing_cycle_anchor: now,
      expires_at: now + 23 * 3600,
      subscription_items: [
        expect.objectContaining({ price: expect.objectContaining({ id: EMULATOR_PRICE_ANNUAL }) }),
      ],
    });
    const open = await h.stripe.invoices.retrieve(String(updated.latest_invoice));
    expect(open.status).toBe('open');
    // A second update that bills now waits for the first.
    await expect(switchToAnnualNow(subscription.id, true)).rejects.toMatchObject({ statusCode: 400 });

    await h.control.replaceCard(customer.id, '4242424242424242');
    const paid = await h.stripe.invoices.pay(open.id ?? '');
    expect(paid.status).toBe('paid');
    const applied = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(applied.pending_update).toBeNull();
    expect(applied.items.data[0]?.price.id).toBe(EMULATOR_PRICE_ANNUAL);
    expect(applied.billing_cycle_anchor).toBe(now);
    const types = await eventTypes(h.stripe);
    expect(types.slice(-3)).toEqual([
      'invoice.payment_succeeded',
      'customer.subscription.updated',
      'customer.subscription.pending_update_applied',
    ]);
  });

  it('an unpaid pending update expires: discarded, its invoice voided, the subscription billed as before', async () => {
    const { customer, subscription } = await paying();
    await h.control.replaceCard(customer.id, '4000000000000341');
    const updated = await switchToAnnualNow(subscription.id, true);
    const expiresAt = updated.pending_update?.expires_at ?? 0;
    await h.control.replaceCard(customer.id, '4242424242424242');
    await h.control.advance({ to: expiresAt + 1 });
    const after = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(after.pending_update).toBeNull();
    expect(after.items.data[0]?.price.id).toBe(EMULATOR_PRICE_MONTHLY);
    expect((await h.stripe.invoices.retrieve(String(updated.latest_invoice))).status).toBe('void');
    const expired = (await h.stripe.events.list({ type: 'customer.subscription.pending_update_expired' }))
      .data;
    expect(expired[0]?.data.object).toMatchObject({ id: subscription.id, pending_update: null });
    // The next renewal bills the monthly price, as if no update had been asked for.
    await h.control.advance({ to: (after.items.data[0]?.current_period_end ?? 0) + 60 });
    const [renewal] = (await h.stripe.invoices.list({ subscription: subscription.id, limit: 1 })).data;
    expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid' });
    expect(renewal?.amount_paid).toBe((await h.stripe.prices.retrieve(EMULATOR_PRICE_MONTHLY)).unit_amount);
  });

  it('without pending_if_incomplete a declined charge keeps the change and leaves the subscription past_due', async () => {
    const { customer, subscription } = await paying();
    await h.control.replaceCard(customer.id, '4000000000000341');
    const updated = await switchToAnnualNow(subscription.id, false);
    expect(updated).toMatchObject({ status: 'past_due', pending_update: null });
    expect(updated.items.data[0]?.price.id).toBe(EMULATOR_PRICE_ANNUAL);
  });

  it('refuses what Stripe refuses with pending updates, and changes nothing', async () => {
    const { subscription } = await paying();
    await expect(
      h.stripe.subscriptions.update(subscription.id, {
        payment_behavior: 'pending_if_incomplete',
        metadata: { plan: 'x' },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'metadata' });
    await expect(
      h.stripe.subscriptions.update(subscription.id, { payment_behavior: 'error_if_incomplete' }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'payment_behavior' });
    const same = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(same.metadata).not.toHaveProperty('plan');
    expect(same.items.data[0]?.price.id).toBe(EMULATOR_PRICE_MONTHLY);
  });
});
