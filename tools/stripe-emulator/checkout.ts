/** @module Completing a Checkout Session with a card: the one code path behind the hosted page and its test control. */

import type Stripe from 'stripe';
import { attemptPayment, type PaymentOutcome } from './billing';
import { type CardField, type CardInput, checkCard, refusal, type StoredCard } from './cards';
import { settle } from './clock';
import type { EmulatorContext } from './context';
import { emit } from './events';
import { newId } from './ids';
import { startSubscription, updateSubscription } from './lifecycle';
import { buildCustomer } from './objects/customer';
import { completePayment } from './payment-checkout';
import type { CheckoutRecord, CustomerRecord, InvoiceRecord, SubscriptionRecord } from './store';

export type CheckoutResult =
  | {
      ok: true;
      session: Stripe.Checkout.Session;
      /** Null for a payment-mode session. */
      subscription: Stripe.Subscription | null;
      /** `success_url` with `{CHECKOUT_SESSION_ID}` filled in; null when the session has none. */
      redirectUrl: string | null;
    }
  | {
      ok: false;
      /** 400 bad card details, 402 declined, 404 unknown session, 409 session no longer open. */
      status: 400 | 402 | 404 | 409;
      message: string;
      code: string;
      field: CardField | null;
      declineCode?: string;
    };

function fail(
  status: 400 | 402 | 404 | 409,
  message: string,
  code: string,
  field: CardField | null = null,
  declineCode?: string,
): CheckoutResult {
  return { ok: false, status, message, code, field, ...(declineCode === undefined ? {} : { declineCode }) };
}

/** The session's currency for the subscription, when it is a currency option rather than the price's own. */
function sessionCurrency(rec: CheckoutRecord, price: Stripe.Price): { currency?: string } {
  const currency = rec.session.currency;
  return currency && currency !== price.currency ? { currency } : {};
}

export function successRedirect(session: Stripe.Checkout.Session): string | null {
  return session.success_url === null
    ? null
    : session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id);
}

function customerFor(ctx: EmulatorContext, rec: CheckoutRecord, cardName: string | null): CustomerRecord {
  const session = rec.session;
  const existing =
    typeof session.customer === 'string' ? ctx.state.customers.get(session.customer) : undefined;
  if (existing !== undefined && !existing.deleted) return existing;
  const customer = buildCustomer(
    newId('cus'),
    { email: session.customer_email, name: cardName, description: null, phone: null, metadata: {} },
    ctx.state.now,
  );
  const created: CustomerRecord = { customer, deleted: false, card: null };
  ctx.state.customers.set(customer.id, created);
  emit(ctx, 'customer.created', customer);
  return created;
}

/**
 * A session without a trial charges the card at once. A first payment that fails (a decline, or
 * 3-D Secure abandoned or failed) leaves the subscription `incomplete` with its invoice open, as
 * Stripe does, and the session open: a new attempt on the session pays that invoice with the new
 * card. Unpaid, the subscription turns `incomplete_expired` after 23 hours (see clock.ts).
 */
function payFirstInvoice(
  ctx: EmulatorContext,
  rec: CheckoutRecord,
  price: Stripe.Price,
  customerRec: CustomerRecord,
  automaticTax: boolean,
): { sub: SubscriptionRecord; invoice: InvoiceRecord; outcome: PaymentOutcome } {
  const pendingId = rec.incompleteSubscription;
  const pending = pendingId === undefined ? undefined : ctx.state.subscriptions.get(pendingId);
  const latest = pending?.subscription.latest_invoice;
  const open = typeof latest === 'string' ? ctx.state.invoices.get(latest) : undefined;
  if (
    pending !== undefined &&
    pending.subscription.status === 'incomplete' &&
    open?.invoice.status === 'open'
  ) {
    const outcome = attemptPayment(ctx, open, pending);
    if (outcome.ok) {
      updateSubscription(ctx, pending, () => {
        pending.subscription.status = 'active';
        pending.subscription.default_payment_method = customerRec.card?.id ?? null;
      });
    }
    return { sub: pending, invoice: open, outcome };
  }
  return startSubscription(ctx, {
    customer: customerRec,
    price,
    quantity: rec.quantity,
    ...sessionCurrency(rec, price),
    metadata: rec.subscriptionMetadata,
    trialEnd: null,
    automaticTax,
  });
}

/** The card of a completion: none only for a trial session that collects a card only if required. */
function cardFor(
  ctx: EmulatorContext,
  rec: CheckoutRecord,
  input: CardInput | null,
): { card: StoredCard | null } | { failed: CheckoutResult } {
  if (input === null) {
    if (rec.trialEnd !== null && rec.paymentMethodCollection === 'if_required') return { card: null };
    return { failed: fail(400, 'Enter your card details.', 'incomplete_number', 'number') };
  }
  const checked = checkCard(input, ctx.state.now);
  if ('problem' in checked)
    return { failed: fail(400, checked.problem.message, checked.problem.code, checked.problem.field) };
  return { card: checked.card };
}

/**
 * Validates the card, then either refuses it or creates the subscription, completes the session
 * and emits `checkout.session.completed`. With a trial the card is only set up, and a card
 * refused at set-up (or 3-D Secure not completed) creates nothing; without one the first payment
 * is taken, and a refused one leaves an `incomplete` subscription (see {@link payFirstInvoice}).
 * `input` null completes a trial session with `payment_method_collection=if_required` without a
 * card.
 */
export function completeCheckout(
  ctx: EmulatorContext,
  sessionId: string,
  input: CardInput | null,
): CheckoutResult {
  const rec = ctx.state.checkoutSessions.get(sessionId);
  if (rec === undefined) return fail(404, 'This checkout session does not exist.', 'resource_missing');
  const session = rec.session;
  if (session.status === 'complete')
    return fail(409, 'This checkout session is already complete.', 'session_complete');
  if (session.status !== 'open') return fail(409, 'This checkout session has expired.', 'session_expired');
  if (session.mode === 'payment') {
    const paid = completePayment(ctx, rec, input);
    if (!paid.ok) {
      const { message, code, declineCode } = paid.problem;
      return fail(paid.status, message, code, paid.status === 402 ? 'number' : null, declineCode);
    }
    return { ok: true, session, subscription: null, redirectUrl: successRedirect(session) };
  }
  const price = ctx.state.prices.get(rec.priceId);
  if (price === undefined)
    return fail(409, 'The price of this session no longer exists.', 'resource_missing');

  const chosen = cardFor(ctx, rec, input);
  if ('failed' in chosen) return chosen.failed;
  const card = chosen.card;
  const trial = rec.trialEnd !== null;
  if (trial && card !== null) {
    const problem = refusal(card, 'attach');
    if (problem !== null) return fail(402, problem.message, problem.code, 'number', problem.declineCode);
  }

  const address = billingAddress(session, input);
  if ('failed' in address) return address.failed;
  const customerRec = customerFor(ctx, rec, card?.name ?? null);
  if (card !== null) customerRec.card = card;
  if (address.address !== null) customerRec.customer.address = address.address;
  const automaticTax = session.automatic_tax.enabled;
  let started: { sub: SubscriptionRecord; invoice: InvoiceRecord };
  if (trial) {
    started = startSubscription(ctx, {
      customer: customerRec,
      price,
      quantity: rec.quantity,
      ...sessionCurrency(rec, price),
      metadata: rec.subscriptionMetadata,
      trialEnd: rec.trialEnd,
      automaticTax,
      ...(rec.missingPaymentMethod === undefined ? {} : { missingPaymentMethod: rec.missingPaymentMethod }),
    });
  } else {
    const paid = payFirstInvoice(ctx, rec, price, customerRec, automaticTax);
    if (!paid.outcome.ok) {
      rec.incompleteSubscription = paid.sub.subscription.id;
      const problem = paid.outcome.problem;
      settle(ctx);
      return fail(402, problem.message, problem.code, 'number', problem.declineCode);
    }
    started = paid;
  }
  const { sub, invoice } = started;
  const customer = customerRec.customer;
  session.status = 'complete';
  session.payment_status = trial ? 'no_payment_required' : 'paid';
  session.customer = customer.id;
  session.subscription = sub.subscription.id;
  session.invoice = invoice.invoice.id;
  session.url = null;
  if (automaticTax) {
    // What the first invoice charged (nothing during a trial): tax on top of the subtotal.
    const tax = invoice.invoice.total_taxes?.[0]?.amount ?? 0;
    session.total_details = { amount_discount: 0, amount_shipping: 0, amount_tax: tax };
    session.amount_total = (session.amount_subtotal ?? 0) + (trial ? 0 : tax);
    session.automatic_tax.status = 'complete';
  }
  session.customer_details = {
    address: address.address,
    business_name: null,
    email: customer.email,
    individual_name: null,
    name: card?.name ?? customer.name ?? null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  emit(ctx, 'checkout.session.completed', session);
  settle(ctx);
  return { ok: true, session, subscription: sub.subscription, redirectUrl: successRedirect(session) };
}

/**
 * The billing address a session collects: required (a country) with Stripe Tax or
 * `billing_address_collection=required`, else taken when given. 400 without one when required.
 */
function billingAddress(
  session: Stripe.Checkout.Session,
  input: CardInput | null,
): { address: Stripe.Address | null } | { failed: CheckoutResult } {
  const country = input?.country?.trim().toUpperCase() ?? '';
  const needed = session.automatic_tax.enabled || session.billing_address_collection === 'required';
  if (country === '') {
    if (!needed) return { address: null };
    return { failed: fail(400, 'Enter your billing address country.', 'incomplete_address', 'country') };
  }
  if (!/^[A-Z]{2}$/.test(country))
    return { failed: fail(400, 'Enter a two-letter country code.', 'invalid_address', 'country') };
  const postal = input?.postal_code?.trim() ?? '';
  return {
    address: { city: null, country, line1: null, line2: null, postal_code: postal || null, state: null },
  };
}
