/**
 * @module Subscription updates that bill at once (`billing_cycle_anchor=now`: a new period from
 * now at the new price, invoiced and charged now), and Stripe's pending updates
 * (`payment_behavior=pending_if_incomplete`): when that charge fails, the subscription stays as it
 * was, the change waits in `pending_update` for its invoice to be paid, and is discarded (the
 * invoice voided) when `pending_update.expires_at` passes.
 */
import type Stripe from 'stripe';
import { periodEndAfter } from './billing';
import type { EmulatorContext } from './context';
import { invalidRequest } from './errors';
import { diff, emit } from './events';
import type { FormObject } from './form';
import { billPeriod, changePrice, INCOMPLETE_EXPIRES_AFTER_SECONDS } from './lifecycle';
import { commit } from './pending-apply';
import { firstItem, type SubscriptionRecord, snapshot } from './store';

/** The parameters Stripe accepts with `payment_behavior=pending_if_incomplete`. */
const PENDING_PARAMS = new Set([
  'expand',
  'payment_behavior',
  'proration_behavior',
  'proration_date',
  'billing_cycle_anchor',
  'items',
  'trial_end',
  'trial_from_plan',
  'add_invoice_items',
]);

export type UpdateBehavior = 'allow_incomplete' | 'pending_if_incomplete';

/** Refuses what Stripe refuses with pending updates: any parameter outside its list. */
export function assertPendingParams(params: FormObject): void {
  const extra = Object.keys(params).filter((k) => !PENDING_PARAMS.has(k));
  if (extra.length > 0)
    throw invalidRequest(
      `When payment_behavior=pending_if_incomplete, only ${[...PENDING_PARAMS].join(', ')} can be updated; ` +
        `remove ${extra.join(', ')}.`,
      extra[0],
    );
}

/**
 * `billing_cycle_anchor=now`: the subscription, with `change` applied, starts a period now and its
 * invoice is charged at once. Paid: the change holds. Declined: with `allow_incomplete` the
 * change holds and the subscription is `past_due`; with `pending_if_incomplete` nothing changes
 * but `latest_invoice` and `pending_update`, until that invoice is paid or the update expires.
 */
export function billNow(
  ctx: EmulatorContext,
  rec: SubscriptionRecord,
  change: { price: Stripe.Price; quantity: number | undefined } | undefined,
  behavior: UpdateBehavior,
): void {
  const status = rec.subscription.status;
  if (status !== 'active' && status !== 'past_due')
    throw invalidRequest(
      `billing_cycle_anchor=now needs an active or past_due subscription; this one is ${status}.`,
      'billing_cycle_anchor',
    );
  if (rec.pending !== undefined)
    throw invalidRequest(
      'This subscription has a pending update: pay or void its invoice first.',
      'billing_cycle_anchor',
    );
  const now = ctx.state.now;
  const shadow: SubscriptionRecord = {
    ...rec,
    subscription: snapshot(rec.subscription),
    discount: rec.discount && { ...rec.discount },
  };
  if (change !== undefined) changePrice(shadow, change.price, change.quantity);
  const sub = shadow.subscription;
  const item = firstItem(sub);
  sub.billing_cycle_anchor = now;
  shadow.periodsSinceAnchor = 0;
  item.current_period_start = now;
  item.current_period_end = periodEndAfter(sub, 0);
  const { invoice, outcome } = billPeriod(
    ctx,
    shadow,
    { billingReason: 'subscription_update', periodStart: now, periodEnd: now },
    rec,
  );
  const old = snapshot(rec.subscription);
  const next = {
    invoiceId: invoice.invoice.id,
    subscription: sub,
    periodsSinceAnchor: shadow.periodsSinceAnchor,
    discount: shadow.discount,
  };
  if (outcome.ok || behavior === 'allow_incomplete') {
    commit(rec, next);
    rec.subscription.status = outcome.ok ? 'active' : 'past_due';
    rec.pastDueSince = outcome.ok ? null : (rec.pastDueSince ?? now);
  } else {
    const current = firstItem(rec.subscription);
    rec.subscription.latest_invoice = invoice.invoice.id;
    rec.subscription.pending_update = {
      billing_cycle_anchor: now,
      cancel_at_period_end: null,
      discount: null,
      discounts: null,
      metadata: null,
      // The trial's or the period's end, whichever comes first, and never more than 23 h on.
      expires_at: Math.min(now + INCOMPLETE_EXPIRES_AFTER_SECONDS, current.current_period_end),
      subscription_items: [snapshot(item)],
      trial_end: null,
      trial_from_plan: null,
    };
    rec.pending = next;
  }
  emit(ctx, 'customer.subscription.updated', rec.subscription, diff(old, rec.subscription));
}
