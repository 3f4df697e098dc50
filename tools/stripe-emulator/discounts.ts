/** @module Coupons applied to subscriptions (a billing portal retention offer) and what each invoice takes off, as Stripe computes it. */

import type Stripe from 'stripe';
import { addInterval } from './billing';
import type { EmulatorContext } from './context';
import { newId } from './ids';
import type { AppliedDiscount, SubscriptionRecord } from './store';

/** Applies `coupon` to the subscription from now: `subscription.discounts` names it. */
export function applyCoupon(
  ctx: EmulatorContext,
  rec: SubscriptionRecord,
  coupon: Stripe.Coupon,
): AppliedDiscount {
  const start = ctx.state.now;
  const discount: AppliedDiscount = {
    id: newId('di'),
    coupon,
    start,
    end:
      coupon.duration === 'repeating' && coupon.duration_in_months !== null
        ? addInterval(start, 'month', coupon.duration_in_months)
        : null,
    invoicesLeft: coupon.duration === 'once' ? 1 : null,
  };
  rec.discount = discount;
  rec.subscription.discounts = [discount.id];
  return discount;
}

/**
 * What the subscription's discount takes off an invoice of `amount` for the period starting at
 * `periodStart` (and uses it up, for a `once` coupon); 0 without one that applies.
 */
export function takeDiscount(
  rec: SubscriptionRecord,
  amount: number,
  periodStart: number,
): { off: number; id: string | null } {
  const d = rec.discount;
  if (
    d === undefined ||
    periodStart < d.start ||
    (d.end !== null && periodStart >= d.end) ||
    d.invoicesLeft === 0
  )
    return { off: 0, id: null };
  const off =
    d.coupon.percent_off !== null
      ? Math.round((amount * d.coupon.percent_off) / 100)
      : Math.min(amount, d.coupon.amount_off ?? 0);
  if (d.invoicesLeft !== null) d.invoicesLeft -= 1;
  return { off, id: d.id };
}

/**
 * Records a discount on an invoice drafted for the discounted amount, as Stripe shows it: the
 * subtotal before it, `discounts` and `total_discount_amounts`.
 */
export function markDiscount(invoice: Stripe.Invoice, discount: { off: number; id: string | null }): void {
  if (discount.id === null || discount.off === 0) return;
  invoice.discounts = [discount.id];
  invoice.total_discount_amounts = [{ amount: discount.off, discount: discount.id }];
  invoice.subtotal += discount.off;
  invoice.subtotal_excluding_tax = invoice.subtotal;
}
