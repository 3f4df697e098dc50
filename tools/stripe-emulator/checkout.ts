/** @module Completing a Checkout Session with a card: the one code path behind the hosted page and its test control. */

import type Stripe from 'stripe';
import { type CardField, type CardInput, checkCard, refusal } from './cards';
import { settle } from './clock';
import type { EmulatorContext } from './context';
import { emit } from './events';
import { newId } from './ids';
import { startSubscription } from './lifecycle';
import { buildCharge } from './objects/charge';
import { buildCustomer } from './objects/customer';
import type { CheckoutRecord, CustomerRecord } from './store';

export type CheckoutResult =
  | {
      ok: true;
      session: Stripe.Checkout.Session;
      subscription: Stripe.Subscription;
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

/** The failed first payment of a session without a trial: Stripe records a failed charge, nothing else. */
function recordFailedFirstCharge(ctx: EmulatorContext, rec: CheckoutRecord, input: CardInput) {
  const session = rec.session;
  const existing =
    typeof session.customer === 'string' ? ctx.state.customers.get(session.customer) : undefined;
  if (existing === undefined) return undefined;
  const checked = checkCard(input, ctx.state.now);
  if (!('card' in checked)) return undefined;
  const charge = buildCharge({
    id: newId('ch'),
    amount: session.amount_total ?? 0,
    currency: session.currency ?? 'usd',
    customer: existing.customer,
    card: checked.card,
    paymentIntent: newId('pi'),
    description: 'Subscription creation',
    problem: refusal(checked.card, 'charge'),
    metadata: { checkout_session: session.id },
    now: ctx.state.now,
  });
  ctx.state.charges.set(charge.id, charge);
  emit(ctx, 'charge.failed', charge);
  return charge;
}

/**
 * Validates the card, then either refuses it (nothing is created, except a failed charge when
 * a first payment was attempted) or creates the subscription, completes the session and emits
 * `checkout.session.completed`.
 */
export function completeCheckout(ctx: EmulatorContext, sessionId: string, input: CardInput): CheckoutResult {
  const rec = ctx.state.checkoutSessions.get(sessionId);
  if (rec === undefined) return fail(404, 'This checkout session does not exist.', 'resource_missing');
  const session = rec.session;
  if (session.status === 'complete')
    return fail(409, 'This checkout session is already complete.', 'session_complete');
  if (session.status !== 'open') return fail(409, 'This checkout session has expired.', 'session_expired');
  const price = ctx.state.prices.get(rec.priceId);
  if (price === undefined)
    return fail(409, 'The price of this session no longer exists.', 'resource_missing');

  const checked = checkCard(input, ctx.state.now);
  if ('problem' in checked)
    return fail(400, checked.problem.message, checked.problem.code, checked.problem.field);
  const card = checked.card;
  const trial = rec.trialEnd !== null;
  // With a trial Checkout only sets the card up; without one it charges it at once.
  const problem = refusal(card, trial ? 'attach' : 'charge');
  if (problem !== null) {
    if (!trial) recordFailedFirstCharge(ctx, rec, input);
    return fail(402, problem.message, problem.code, 'number', problem.declineCode);
  }

  const customerRec = customerFor(ctx, rec, card.name);
  customerRec.card = card;
  const { sub, invoice } = startSubscription(ctx, {
    customer: customerRec,
    price,
    quantity: rec.quantity,
    metadata: rec.subscriptionMetadata,
    trialEnd: rec.trialEnd,
  });
  const customer = customerRec.customer;
  session.status = 'complete';
  session.payment_status = trial ? 'no_payment_required' : 'paid';
  session.customer = customer.id;
  session.subscription = sub.subscription.id;
  session.invoice = invoice.invoice.id;
  session.url = null;
  session.customer_details = {
    address: null,
    business_name: null,
    email: customer.email,
    individual_name: null,
    name: card.name ?? customer.name ?? null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  emit(ctx, 'checkout.session.completed', session);
  settle(ctx);
  return { ok: true, session, subscription: sub.subscription, redirectUrl: successRedirect(session) };
}
