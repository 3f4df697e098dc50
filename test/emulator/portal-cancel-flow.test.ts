/**
 * @module The billing portal's cancellation flow as Stripe runs it (issue 15, item 9): a session
 * opened with `flow_data[type]=subscription_cancel` and a retention coupon offer shows the offer
 * and the configuration's reasons; accepting applies the coupon to the invoices of the next three
 * months (25 % off, then full price); cancelling records the reason and ends at period end, then
 * follows `after_completion`. Bad `flow_data` is refused as Stripe refuses it.
 */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, payingSubscription, postForm, startHarness } from './helpers';

let h: Harness;
let coupon: Stripe.Coupon;
let configuration: Stripe.BillingPortal.Configuration;
beforeAll(async () => {
  h = await startHarness();
  coupon = await h.stripe.coupons.create({
    id: 'stay_25',
    percent_off: 25,
    duration: 'repeating',
    duration_in_months: 3,
    name: '25% off for 3 months',
  });
  configuration = await h.stripe.billingPortal.configurations.create({
    features: {
      subscription_cancel: {
        enabled: true,
        mode: 'at_period_end',
        cancellation_reason: { enabled: true, options: ['too_expensive', 'unused', 'other'] },
      },
    },
  });
});
afterAll(async () => {
  await h.emu.close();
});

const paying = () => payingSubscription(h);

function cancelFlow(customer: string, subscription: string, retention = true) {
  return h.stripe.billingPortal.sessions.create({
    customer,
    configuration: configuration.id,
    return_url: 'http://127.0.0.1:8787/account',
    flow_data: {
      type: 'subscription_cancel',
      subscription_cancel: {
        subscription,
        ...(retention ? { retention: { type: 'coupon_offer', coupon_offer: { coupon: coupon.id } } } : {}),
      },
      after_completion: {
        type: 'redirect',
        redirect: { return_url: 'http://127.0.0.1:8787/account?cancel=done' },
      },
    },
  });
}

describe('the portal cancellation flow', () => {
  it('offers the coupon; accepting takes 25 % off every invoice of the three months that follow, then full price', async () => {
    const { customer, subscription } = await paying();
    const portal = await cancelFlow(customer.id, subscription.id);
    expect(portal.flow).toMatchObject({
      type: 'subscription_cancel',
      subscription_cancel: {
        subscription: subscription.id,
        retention: { coupon_offer: { coupon: 'stay_25' } },
      },
      after_completion: { type: 'redirect' },
    });
    const page = await (await fetch(portal.url)).text();
    expect(page).toContain('Before you go: 25% off for 3 months');
    expect(page).toContain('It’s too expensive');
    const accepted = await postForm(`${h.emu.url}/portal/${portal.id}/flow-accept-offer`, {
      subscription: subscription.id,
    });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toBe('http://127.0.0.1:8787/account?cancel=done');
    const updated = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(updated.discounts).toHaveLength(1);
    expect(updated.cancel_at_period_end).toBe(false);
    // An offer is taken once: the flow page no longer shows it.
    expect(await (await fetch(portal.url)).text()).not.toContain('Before you go');

    const price = subscription.items.data[0]?.price.unit_amount ?? 0;
    const off = Math.round(price * 0.25); // Stripe rounds a discount to the currency's minor unit
    const paid: number[] = [];
    for (let month = 0; month < 4; month++) {
      const current = await h.stripe.subscriptions.retrieve(subscription.id);
      await h.control.advance({ to: (current.items.data[0]?.current_period_end ?? 0) + 60 });
      const [invoice] = (await h.stripe.invoices.list({ subscription: subscription.id, limit: 1 })).data;
      paid.push(invoice?.amount_paid ?? -1);
      if (month === 0) {
        expect(invoice?.total_discount_amounts).toEqual([{ amount: off, discount: updated.discounts[0] }]);
        expect(invoice?.subtotal).toBe(price);
      }
    }
    // Accepted right after the first payment: the renewals one and two months on fall within the
    // coupon's three months; the one three months on does not (a discount ends at start + 3 months).
    expect(paid).toEqual([price - off, price - off, price, price]);
  });

  it('cancels with the reason given, at period end, then follows after_completion', async () => {
    const { customer, subscription } = await paying();
    const portal = await cancelFlow(customer.id, subscription.id);
    const res = await postForm(`${h.emu.url}/portal/${portal.id}/flow-cancel`, {
      subscription: subscription.id,
      reason: 'too_expensive',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('http://127.0.0.1:8787/account?cancel=done');
    const canceled = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(canceled).toMatchObject({ cancel_at_period_end: true, discounts: [] });
    expect(canceled.cancellation_details).toMatchObject({
      feedback: 'too_expensive',
      reason: 'cancellation_requested',
    });
    // A subscription already set to cancel gets no second flow.
    await expect(cancelFlow(customer.id, subscription.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('refuses bad flow_data as Stripe does, and changes nothing', async () => {
    const { customer, subscription } = await paying();
    const other = await paying();
    await expect(cancelFlow(customer.id, other.subscription.id)).rejects.toMatchObject({
      statusCode: 400,
      param: 'flow_data[subscription_cancel][subscription]',
    });
    await expect(
      h.stripe.billingPortal.sessions.create({
        customer: customer.id,
        flow_data: {
          type: 'subscription_cancel',
          subscription_cancel: {
            subscription: subscription.id,
            retention: { type: 'coupon_offer', coupon_offer: { coupon: 'nope' } },
          },
        },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'flow_data[subscription_cancel][retention][coupon_offer][coupon]',
    });
    // Without an offer the flow asks only for the reason.
    const plain = await cancelFlow(customer.id, subscription.id, false);
    const page = await (await fetch(plain.url)).text();
    expect(page).toContain('Cancel your subscription');
    expect(page).not.toContain('Before you go');
    expect((await h.stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(false);
  });
});
