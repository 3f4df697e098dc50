/** @module Invoices, card charges and refunds: the money side of subscriptions, with their events. */

import type Stripe from 'stripe';
import { type CardProblem, DECLINED_MESSAGE, refusal } from './cards';
import { DAY } from './constants';
import type { EmulatorContext } from './context';
import { isDisputedCard, openDispute } from './disputes';
import { cardError, invalidRequest, resourceMissing } from './errors';
import { changed, emit } from './events';
import { newId } from './ids';
import { priceIn } from './objects/catalog';
import { buildCharge, buildRefund } from './objects/charge';
import { buildInvoice } from './objects/invoice';
import { applyPendingUpdate } from './pending-apply';
import { type CustomerRecord, firstItem, type InvoiceRecord, type SubscriptionRecord } from './store';
import { applyTax, taxOn } from './tax';

export function requireCustomer(ctx: EmulatorContext, id: string): CustomerRecord {
  const rec = ctx.state.customers.get(id);
  if (rec === undefined || rec.deleted) throw resourceMissing('customer', id);
  return rec;
}

/** Adds whole intervals to an anchor, clamping to the month's last day as Stripe does (Jan 31 → Feb 28). */
export function addInterval(anchor: number, interval: string, count: number): number {
  if (interval === 'day' || interval === 'week') return anchor + count * DAY * (interval === 'week' ? 7 : 1);
  const months = (interval === 'year' ? 12 : 1) * count;
  const d = new Date(anchor * 1000);
  const total = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) / 1000;
}

export function periodEndAfter(subscription: Stripe.Subscription, periodsSinceAnchor: number): number {
  const recurring = firstItem(subscription).price.recurring;
  const interval = recurring?.interval ?? 'month';
  const count = (recurring?.interval_count ?? 1) * (periodsSinceAnchor + 1);
  return addInterval(subscription.billing_cycle_anchor, interval, count);
}

/** What a period of the subscription's first item costs, in the subscription's currency (a currency option when not the price's own). */
export function itemAmount(ctx: EmulatorContext, subscription: Stripe.Subscription): number {
  const item = firstItem(subscription);
  const unit =
    priceIn(ctx.state.currencyOptions.get(item.price.id), item.price, subscription.currency)?.amount ??
    item.price.unit_amount ??
    0;
  return unit * (item.quantity ?? 1);
}

export interface InvoicePlan {
  billingReason: Stripe.Invoice.BillingReason;
  lineStart: number;
  lineEnd: number;
  periodStart: number;
  periodEnd: number;
  amount: number;
}

/** Builds a draft invoice for a subscription and stores it, without events (callers order those). */
export function draftInvoice(
  ctx: EmulatorContext,
  sub: SubscriptionRecord,
  plan: InvoicePlan,
): InvoiceRecord {
  const subscription = sub.subscription;
  const customerRec = requireCustomer(ctx, String(subscription.customer));
  const id = newId('in');
  const paymentIntent = newId('pi');
  const invoice = buildInvoice({
    id,
    customer: customerRec.customer,
    subscription,
    item: firstItem(subscription),
    paymentIntent,
    now: ctx.state.now,
    ...plan,
  });
  // Stripe Tax: the customer's billing country sets the tax on top of the (exclusive) price.
  if (subscription.automatic_tax.enabled)
    applyTax(invoice, taxOn(invoice.total, customerRec.customer.address?.country));
  const rec: InvoiceRecord = { invoice, subscriptionId: subscription.id, paymentIntent };
  ctx.state.invoices.set(id, rec);
  return rec;
}

/** Emits `invoice.created`, then finalises (number, `open`) and emits `invoice.finalized`. */
export function publishInvoice(ctx: EmulatorContext, rec: InvoiceRecord): void {
  emit(ctx, 'invoice.created', rec.invoice);
  const invoice = rec.invoice;
  const before = { ...invoice, status_transitions: { ...invoice.status_transitions } };
  ctx.state.invoiceSequence += 1;
  const prefix = typeof invoice.customer === 'string' ? invoice.customer.slice(4, 12).toUpperCase() : 'EMU';
  invoice.number = `${prefix}-${String(ctx.state.invoiceSequence).padStart(4, '0')}`;
  invoice.status = 'open';
  invoice.effective_at = ctx.state.now;
  invoice.status_transitions.finalized_at = ctx.state.now;
  // Stripe's hosted page for a finalised invoice: where the customer pays it (3-D Secure included).
  invoice.hosted_invoice_url = `${ctx.config.baseUrl}/invoice/${invoice.id}`;
  if (invoice.amount_due > 0) invoice.next_payment_attempt = ctx.state.now;
  emit(
    ctx,
    'invoice.finalized',
    invoice,
    changed(before, ['number', 'status', 'effective_at', 'status_transitions', 'hosted_invoice_url']),
  );
}

export type PaymentOutcome =
  | { ok: true; charge: Stripe.Charge | null }
  | { ok: false; charge: Stripe.Charge | null; problem: CardProblem };

const NO_CARD: CardProblem = {
  field: 'number',
  message: 'The customer has no attached payment source or default payment method.',
  code: 'payment_method_unavailable',
};

/**
 * Charges the customer's current card for an open invoice and records the outcome on the
 * invoice: `charge.succeeded` + `invoice.paid` + `invoice.payment_succeeded`, or
 * `charge.failed` + `invoice.payment_failed`. A zero invoice is paid without a charge.
 */
export function attemptPayment(
  ctx: EmulatorContext,
  rec: InvoiceRecord,
  sub: SubscriptionRecord | null,
): PaymentOutcome {
  const invoice = rec.invoice;
  const now = ctx.state.now;
  const before = { ...invoice, status_transitions: { ...invoice.status_transitions } };
  if (invoice.amount_remaining === 0) {
    markPaid(ctx, rec, before);
    return { ok: true, charge: null };
  }
  const customerRec = requireCustomer(ctx, String(invoice.customer));
  const card = customerRec.card;
  let problem: CardProblem | null = card === null ? NO_CARD : refusal(card, 'charge');
  if (problem === null && sub?.failNextCharge === true) {
    problem = {
      field: 'number',
      message: DECLINED_MESSAGE,
      code: 'card_declined',
      declineCode: 'generic_decline',
    };
  }
  if (sub !== null) sub.failNextCharge = false;
  // A payment waiting for 3-D Secure has no charge yet: its payment intent requires action.
  const needsAction = problem?.code === 'authentication_required';
  const charge = card === null || needsAction ? null : createCharge(ctx, rec, customerRec, problem);
  invoice.attempt_count += 1;
  invoice.attempted = true;
  if (problem === null) {
    markPaid(ctx, rec, before);
    // Stripe's test card 0259: the payment succeeds, then its holder disputes it.
    if (charge !== null && isDisputedCard(customerRec.card?.last4)) openDispute(ctx, charge);
    return { ok: true, charge };
  }
  invoice.next_payment_attempt = null;
  emit(
    ctx,
    'invoice.payment_failed',
    invoice,
    changed(before, ['attempt_count', 'attempted', 'next_payment_attempt']),
  );
  if (needsAction) emit(ctx, 'invoice.payment_action_required', invoice);
  ctx.config.log(`invoice ${invoice.id} payment failed at ${now}: ${problem.message}`);
  return { ok: false, charge, problem };
}

function createCharge(
  ctx: EmulatorContext,
  rec: InvoiceRecord,
  customerRec: CustomerRecord,
  problem: CardProblem | null,
): Stripe.Charge {
  const invoice = rec.invoice;
  const charge = buildCharge({
    id: newId('ch'),
    amount: invoice.amount_remaining,
    currency: invoice.currency,
    customer: customerRec.customer,
    card: customerRec.card,
    paymentIntent: rec.paymentIntent,
    description:
      invoice.billing_reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
    problem,
    // As Stripe's own invoice charges since the 2025-03-31 API: no metadata pointing back; the
    // invoice payment of the charge's payment intent is what links a charge to its invoice.
    metadata: {},
    now: ctx.state.now,
  });
  ctx.state.charges.set(charge.id, charge);
  const payment = invoice.payments?.data[0];
  if (payment !== undefined) payment.payment.charge = charge.id;
  emit(ctx, problem === null ? 'charge.succeeded' : 'charge.failed', charge);
  return charge;
}

function markPaid(ctx: EmulatorContext, rec: InvoiceRecord, before: Stripe.Invoice): void {
  const invoice = rec.invoice;
  const now = ctx.state.now;
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.attempted = true;
  invoice.status = 'paid';
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = now;
  const payment = invoice.payments?.data[0];
  if (payment !== undefined) {
    payment.status = 'paid';
    payment.amount_paid = invoice.amount_paid;
    payment.status_transitions.paid_at = now;
  }
  const previous = changed(before, [
    'amount_paid',
    'amount_remaining',
    'attempted',
    'status',
    'status_transitions',
  ]);
  emit(ctx, 'invoice.paid', invoice, previous);
  emit(ctx, 'invoice.payment_succeeded', invoice, previous);
}

/** `POST /v1/invoices/:id/pay`: a declined card answers 402 like Stripe, after the failure events. */
export function payInvoice(ctx: EmulatorContext, rec: InvoiceRecord): Stripe.Invoice {
  const invoice = rec.invoice;
  if (invoice.status === 'paid')
    throw invalidRequest('Invoice is already paid', undefined, 'invoice_already_paid');
  if (invoice.status !== 'open' && invoice.status !== 'draft') {
    throw invalidRequest(`You can only pay an invoice that is open; this one is ${invoice.status}.`);
  }
  if (invoice.status === 'draft') publishInvoice(ctx, rec);
  const sub = rec.subscriptionId === null ? null : (ctx.state.subscriptions.get(rec.subscriptionId) ?? null);
  const outcome = attemptPayment(ctx, rec, sub);
  if (sub !== null) settleSubscriptionAfterPayment(ctx, sub, rec, outcome.ok);
  if (!outcome.ok)
    throw cardError(
      outcome.problem.message,
      outcome.problem.declineCode ?? 'generic_decline',
      outcome.charge?.id,
    );
  return invoice;
}

/**
 * A late payment of the latest invoice brings a `past_due` (or `unpaid`) subscription back to
 * `active`, and pays for an `incomplete` one's first period (then `active` too).
 */
function settleSubscriptionAfterPayment(
  ctx: EmulatorContext,
  sub: SubscriptionRecord,
  rec: InvoiceRecord,
  ok: boolean,
) {
  const subscription = sub.subscription;
  if (!ok || subscription.latest_invoice !== rec.invoice.id) return;
  if (applyPendingUpdate(ctx, sub, rec.invoice.id)) return;
  if (
    subscription.status !== 'past_due' &&
    subscription.status !== 'unpaid' &&
    subscription.status !== 'incomplete'
  )
    return;
  const before = { ...subscription };
  subscription.status = 'active';
  sub.pastDueSince = null;
  emit(ctx, 'customer.subscription.updated', subscription, changed(before, ['status']));
}

/** Refunds part or all of a succeeded charge and emits `charge.refunded` with the updated charge. */
export function refundCharge(
  ctx: EmulatorContext,
  charge: Stripe.Charge,
  amount: number | undefined,
): Stripe.Refund {
  if (charge.status !== 'succeeded')
    throw invalidRequest(`Charge ${charge.id} has not succeeded; it cannot be refunded.`);
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining === 0) {
    throw invalidRequest(
      `Charge ${charge.id} has already been refunded.`,
      undefined,
      'charge_already_refunded',
    );
  }
  const value = amount ?? remaining;
  if (value <= 0) throw invalidRequest('Refund amount must be a positive integer.', 'amount');
  if (value > remaining) {
    throw invalidRequest(
      `Refund amount ($${(value / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(remaining / 100).toFixed(2)})`,
      'amount',
    );
  }
  const refund = buildRefund(newId('re'), charge, value, ctx.state.now);
  ctx.state.refunds.set(refund.id, refund);
  const before = { ...charge };
  charge.amount_refunded += value;
  charge.refunded = charge.amount_refunded === charge.amount;
  emit(ctx, 'charge.refunded', charge, changed(before, ['amount_refunded', 'refunded']));
  return refund;
}

/** The latest succeeded charge that paid one of the subscription's invoices (through its invoice payments). */
export function latestChargeOf(ctx: EmulatorContext, subscriptionId: string): Stripe.Charge | null {
  const paidBy = new Set<string>();
  for (const rec of ctx.state.invoices.values()) {
    if (rec.subscriptionId !== subscriptionId) continue;
    for (const payment of rec.invoice.payments?.data ?? []) {
      const charge = payment.payment.charge;
      if (typeof charge === 'string') paidBy.add(charge);
    }
  }
  const charges = [...ctx.state.charges.values()].reverse();
  return charges.find((c) => c.status === 'succeeded' && paidBy.has(c.id)) ?? null;
}
