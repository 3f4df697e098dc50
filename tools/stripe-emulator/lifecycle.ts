/** @module Subscription state changes (start, renew, cancel, pause, plan and card changes) and their events. */

import type Stripe from 'stripe';
import {
  addInterval,
  attemptPayment,
  draftInvoice,
  itemAmount,
  type PaymentOutcome,
  periodEndAfter,
  publishInvoice,
} from './billing';
import type { StoredCard } from './cards';
import type { EmulatorContext } from './context';
import { markDiscount, takeDiscount } from './discounts';
import { invalidRequest } from './errors';
import { diff, emit } from './events';
import { newId } from './ids';
import { planFromPrice } from './objects/catalog';
import { buildSubscription } from './objects/subscription';
import { voidOpenInvoice } from './pending-apply';
import {
  type CustomerRecord,
  firstItem,
  type InvoiceRecord,
  type SubscriptionRecord,
  snapshot,
} from './store';

const LIVE: ReadonlySet<string> = new Set([
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'paused',
  'incomplete',
]);

export function isLive(subscription: Stripe.Subscription): boolean {
  return LIVE.has(subscription.status);
}

export function assertNotCanceled(subscription: Stripe.Subscription): void {
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
    throw invalidRequest(
      'A canceled subscription can only update its cancellation_details and metadata.',
      undefined,
      'subscription_canceled',
    );
  }
}

/**
 * Runs `mutate` and, if any field changed, emits one `customer.subscription.updated` whose
 * `previous_attributes` holds the old values, as Stripe does for one API call.
 */
export function updateSubscription(ctx: EmulatorContext, rec: SubscriptionRecord, mutate: () => void): void {
  const old = snapshot(rec.subscription);
  mutate();
  const previous = diff(old, rec.subscription);
  if (Object.keys(previous).length > 0)
    emit(ctx, 'customer.subscription.updated', rec.subscription, previous);
}

export interface StartInput {
  customer: CustomerRecord;
  price: Stripe.Price;
  quantity: number;
  metadata: Record<string, string>;
  trialEnd: number | null;
  /** The Checkout Session's currency when it is one of the price's currency options. */
  currency?: string;
  /** Stripe Tax on the subscription's invoices (the Checkout Session's `automatic_tax[enabled]`). */
  automaticTax?: boolean;
  /** `trial_settings.end_behavior.missing_payment_method`: what a trial ending without a card does. */
  missingPaymentMethod?: Stripe.Subscription.TrialSettings.EndBehavior.MissingPaymentMethod;
}

/**
 * Creates a subscription and its first invoice. With a trial it is `trialing` with a zero
 * invoice; otherwise it is created `incomplete`, the first invoice is charged, and it turns
 * `active` (`customer.subscription.updated`) once paid.
 */
export function startSubscription(ctx: EmulatorContext, input: StartInput) {
  const now = ctx.state.now;
  const recurring = input.price.recurring;
  const trial = input.trialEnd !== null;
  const periodEnd =
    input.trialEnd ?? addInterval(now, recurring?.interval ?? 'month', recurring?.interval_count ?? 1);
  const subscription = buildSubscription({
    id: newId('sub'),
    customer: input.customer.customer.id,
    price: input.price,
    ...(input.currency === undefined ? {} : { currency: input.currency }),
    quantity: input.quantity,
    metadata: input.metadata,
    status: trial ? 'trialing' : 'incomplete',
    periodStart: now,
    periodEnd,
    trialStart: trial ? now : null,
    trialEnd: input.trialEnd,
    defaultPaymentMethod: input.customer.card?.id ?? null,
    now,
  });
  if (input.automaticTax)
    subscription.automatic_tax = { disabled_reason: null, enabled: true, liability: { type: 'self' } };
  if (input.missingPaymentMethod !== undefined && subscription.trial_settings !== null) {
    subscription.trial_settings.end_behavior.missing_payment_method = input.missingPaymentMethod;
  }
  const rec: SubscriptionRecord = {
    subscription,
    trialWillEndSent: false,
    failNextCharge: false,
    pastDueSince: null,
    periodsSinceAnchor: trial ? -1 : 0,
  };
  ctx.state.subscriptions.set(subscription.id, rec);
  const invoice = draftInvoice(ctx, rec, {
    billingReason: 'subscription_create',
    lineStart: now,
    lineEnd: periodEnd,
    periodStart: now,
    periodEnd: now,
    amount: trial ? 0 : itemAmount(ctx, subscription),
  });
  subscription.latest_invoice = invoice.invoice.id;
  emit(ctx, 'customer.subscription.created', subscription);
  publishInvoice(ctx, invoice);
  const outcome = attemptPayment(ctx, invoice, rec);
  if (!trial && outcome.ok) {
    updateSubscription(ctx, rec, () => {
      subscription.status = 'active';
    });
  }
  return { sub: rec, invoice, outcome };
}

/**
 * Starts the next billing period (also how a trial ends): moves the item's period, invoices
 * it and charges the card; the subscription ends `active` or `past_due`, announced by one
 * `customer.subscription.updated` after the invoice and charge events.
 */
export function renew(
  ctx: EmulatorContext,
  rec: SubscriptionRecord,
  reason: Stripe.Invoice.BillingReason = 'subscription_cycle',
): PaymentOutcome {
  const subscription = rec.subscription;
  const item = firstItem(subscription);
  const old = snapshot(subscription);
  const k = rec.periodsSinceAnchor + 1;
  const oldStart = item.current_period_start;
  const oldEnd = item.current_period_end;
  item.current_period_start = oldEnd;
  item.current_period_end = periodEndAfter(subscription, k);
  rec.periodsSinceAnchor = k;
  const { outcome } = billPeriod(ctx, rec, {
    billingReason: reason,
    periodStart: oldStart,
    periodEnd: oldEnd,
  });
  if (outcome.ok) {
    subscription.status = 'active';
    rec.pastDueSince = null;
  } else {
    subscription.status = 'past_due';
    rec.pastDueSince ??= ctx.state.now;
  }
  emit(ctx, 'customer.subscription.updated', subscription, diff(old, subscription));
  return outcome;
}

/**
 * Invoices the first item's current period (its amount less any discount the subscription has),
 * makes that the latest invoice, finalises it and charges it. `periodStart`/`periodEnd` are the
 * invoice-level period (the one that just ended); `payer` is the record whose one-shot charge
 * controls apply (the subscription itself, unless a copy of it is being billed).
 */
export function billPeriod(
  ctx: EmulatorContext,
  rec: SubscriptionRecord,
  invoiced: { billingReason: Stripe.Invoice.BillingReason; periodStart: number; periodEnd: number },
  payer: SubscriptionRecord = rec,
): { invoice: InvoiceRecord; outcome: PaymentOutcome } {
  const item = firstItem(rec.subscription);
  const full = itemAmount(ctx, rec.subscription);
  const discount = takeDiscount(rec, full, item.current_period_start);
  const invoice = draftInvoice(ctx, rec, {
    ...invoiced,
    lineStart: item.current_period_start,
    lineEnd: item.current_period_end,
    amount: full - discount.off,
  });
  markDiscount(invoice.invoice, discount);
  rec.subscription.latest_invoice = invoice.invoice.id;
  publishInvoice(ctx, invoice);
  return { invoice, outcome: attemptPayment(ctx, invoice, payer) };
}

export type CancelReason = 'cancellation_requested' | 'payment_failed';

/** Ends the subscription now (`customer.subscription.deleted`). A scheduled end keeps the request time as `canceled_at`. */
export function cancelNow(
  ctx: EmulatorContext,
  rec: SubscriptionRecord,
  reason: CancelReason,
  scheduled = false,
) {
  const subscription = rec.subscription;
  assertNotCanceled(subscription);
  const now = ctx.state.now;
  subscription.status = 'canceled';
  subscription.canceled_at = scheduled ? (subscription.canceled_at ?? now) : now;
  subscription.ended_at = now;
  subscription.cancellation_details = {
    comment: subscription.cancellation_details?.comment ?? null,
    feedback: null,
    feedback_option: null,
    reason,
  };
  rec.pastDueSince = null;
  emit(ctx, 'customer.subscription.deleted', subscription);
  return subscription;
}

/** Mutators for {@link updateSubscription}: they change state and validate, the caller emits once. */
export function setCancelAtPeriodEnd(ctx: EmulatorContext, rec: SubscriptionRecord, flag: boolean): void {
  const subscription = rec.subscription;
  assertNotCanceled(subscription);
  if (subscription.cancel_at_period_end === flag) return;
  subscription.cancel_at_period_end = flag;
  subscription.cancel_at = flag ? firstItem(subscription).current_period_end : null;
  subscription.canceled_at = flag ? ctx.state.now : null;
  subscription.cancellation_details = {
    comment: flag ? (subscription.cancellation_details?.comment ?? null) : null,
    feedback: null,
    feedback_option: null,
    reason: flag ? 'cancellation_requested' : null,
  };
}

/** `cancel_at`: a fixed end time, or `null` to clear it. */
export function setCancelAt(ctx: EmulatorContext, rec: SubscriptionRecord, at: number | null): void {
  const subscription = rec.subscription;
  assertNotCanceled(subscription);
  if (at !== null && at <= ctx.state.now)
    throw invalidRequest('cancel_at must be in the future.', 'cancel_at');
  subscription.cancel_at = at;
  subscription.cancel_at_period_end = at !== null && at === firstItem(subscription).current_period_end;
  subscription.canceled_at = at === null ? null : ctx.state.now;
}

/** Swaps the price with no proration; a change of interval re-anchors the cycle at the current period start. */
export function changePrice(rec: SubscriptionRecord, price: Stripe.Price, quantity?: number): void {
  const subscription = rec.subscription;
  assertNotCanceled(subscription);
  const item = firstItem(subscription);
  const intervalChanged = item.price.recurring?.interval !== price.recurring?.interval;
  item.price = price;
  item.plan = planFromPrice(price);
  if (quantity !== undefined) item.quantity = quantity;
  if (intervalChanged && subscription.status !== 'trialing') {
    subscription.billing_cycle_anchor = item.current_period_start;
    rec.periodsSinceAnchor = 0;
    item.current_period_end = periodEndAfter(subscription, 0);
  }
}

/** Moves a trial's end to a later or earlier time (use {@link endTrialNow} for `'now'`). */
export function setTrialEnd(ctx: EmulatorContext, rec: SubscriptionRecord, end: number): void {
  const subscription = rec.subscription;
  if (subscription.status !== 'trialing') {
    throw invalidRequest('The emulator only changes trial_end on a trialing subscription.', 'trial_end');
  }
  if (end <= ctx.state.now) throw invalidRequest('trial_end must be in the future or "now".', 'trial_end');
  subscription.trial_end = end;
  subscription.billing_cycle_anchor = end;
  firstItem(subscription).current_period_end = end;
  rec.trialWillEndSent = false;
}

/** `trial_end=now`: the trial ends at once and the first period is billed. */
export function endTrialNow(ctx: EmulatorContext, rec: SubscriptionRecord): void {
  const subscription = rec.subscription;
  if (subscription.status !== 'trialing') {
    throw invalidRequest('The emulator only changes trial_end on a trialing subscription.', 'trial_end');
  }
  const now = ctx.state.now;
  subscription.trial_end = now;
  subscription.billing_cycle_anchor = now;
  firstItem(subscription).current_period_end = now;
  renew(ctx, rec);
}

export type PauseReason = Stripe.Subscription.StatusDetails.Paused.Subscription.Type;

/**
 * Pauses the subscription (`status: paused`, with `status_details.paused` saying why and when,
 * as the pinned API does); `pause_collection` is another feature and stays null.
 */
export function pause(
  ctx: EmulatorContext,
  rec: SubscriptionRecord,
  reason: PauseReason = 'pause_requested',
) {
  const subscription = rec.subscription;
  assertNotCanceled(subscription);
  if (subscription.status === 'paused') return;
  const previous = { status: subscription.status };
  updateSubscription(ctx, rec, () => {
    subscription.status = 'paused';
    subscription.status_details = {
      paused: { subscription: { type: reason }, transitioned_at: ctx.state.now, type: 'subscription' },
    };
  });
  emit(ctx, 'customer.subscription.paused', subscription, previous);
}

/**
 * A trial's end: billed as a renewal, unless the customer has no payment method and the
 * subscription's `trial_settings.end_behavior.missing_payment_method` says to pause it (no
 * invoice, `status_details.paused.subscription.type: trial_end_without_payment_method`) or to
 * cancel it, as Stripe does.
 */
export function endTrial(ctx: EmulatorContext, rec: SubscriptionRecord): void {
  const subscription = rec.subscription;
  const behaviour = subscription.trial_settings?.end_behavior.missing_payment_method ?? 'create_invoice';
  const customer = ctx.state.customers.get(String(subscription.customer));
  const hasPaymentMethod = subscription.default_payment_method !== null || (customer?.card ?? null) !== null;
  if (hasPaymentMethod || behaviour === 'create_invoice') {
    renew(ctx, rec);
    return;
  }
  if (behaviour === 'cancel') {
    cancelNow(ctx, rec, 'cancellation_requested');
    return;
  }
  pause(ctx, rec, 'trial_end_without_payment_method');
}

/** `POST /v1/subscriptions/:id/resume`: a new cycle anchored now, invoiced and charged at once. */
export function resume(ctx: EmulatorContext, rec: SubscriptionRecord): InvoiceRecord | null {
  const subscription = rec.subscription;
  if (subscription.status !== 'paused') {
    throw invalidRequest('Only a paused subscription can be resumed.', undefined, 'subscription_not_paused');
  }
  const item = firstItem(subscription);
  const previous = { status: subscription.status };
  subscription.billing_cycle_anchor = ctx.state.now;
  item.current_period_end = ctx.state.now;
  rec.periodsSinceAnchor = -1;
  delete subscription.status_details;
  renew(ctx, rec, 'subscription_update');
  emit(ctx, 'customer.subscription.resumed', subscription, previous);
  const latest = subscription.latest_invoice;
  return typeof latest === 'string' ? (ctx.state.invoices.get(latest) ?? null) : null;
}

/** Replaces the customer's card (portal or control); it becomes the default for every live subscription. */
export function replaceCard(ctx: EmulatorContext, customerRec: CustomerRecord, card: StoredCard) {
  const customer = customerRec.customer;
  const old = snapshot(customer);
  customerRec.card = card;
  customer.invoice_settings.default_payment_method = card.id;
  emit(ctx, 'customer.updated', customer, diff(old, customer));
  for (const rec of ctx.state.subscriptions.values()) {
    const subscription = rec.subscription;
    if (subscription.customer !== customer.id || !isLive(subscription)) continue;
    updateSubscription(ctx, rec, () => {
      subscription.default_payment_method = card.id;
    });
  }
}

/** How long Stripe leaves a subscription `incomplete` before it turns `incomplete_expired`. */
export const INCOMPLETE_EXPIRES_AFTER_SECONDS = 23 * 3600;

/**
 * An `incomplete` subscription whose first invoice was not paid within 23 hours: terminal
 * `incomplete_expired`, its open invoice voided, announced by `customer.subscription.updated`.
 */
export function expireIncomplete(ctx: EmulatorContext, rec: SubscriptionRecord): void {
  const subscription = rec.subscription;
  if (subscription.status !== 'incomplete') return;
  const latest = subscription.latest_invoice;
  const invoiceRec = typeof latest === 'string' ? ctx.state.invoices.get(latest) : undefined;
  if (invoiceRec !== undefined) voidOpenInvoice(ctx, invoiceRec.invoice);
  updateSubscription(ctx, rec, () => {
    subscription.status = 'incomplete_expired';
    subscription.canceled_at = ctx.state.now;
    subscription.ended_at = ctx.state.now;
  });
}
