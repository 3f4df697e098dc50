/**
 * @module Checkout in `mode=payment`: a one-time payment for one line item (a one-time price or
 * `price_data`, which Stripe turns into an inline price), charged when the session completes.
 */

import type Stripe from 'stripe';
import { type CardInput, checkCard, refusal } from './cards';
import type { EmulatorContext } from './context';
import { invalidRequest, missingReference } from './errors';
import { emit } from './events';
import { applyMetadata, asObject, type FormObject, optInt, optObject, optString, reqString } from './form';
import { newId } from './ids';
import { buildPrice } from './objects/catalog';
import { buildCharge } from './objects/charge';
import { buildCheckoutSession } from './objects/checkout';
import { buildCustomer } from './objects/customer';
import type { CheckoutRecord } from './store';

/** The line's price: an existing one-time price, or `price_data` made into an inline price. */
function linePrice(ctx: EmulatorContext, line: FormObject): Stripe.Price {
  const priceId = optString(line, 'price', 'line_items[0][price]');
  const data = optObject(line, 'price_data', 'line_items[0][price_data]');
  if ((priceId === undefined) === (data === undefined)) {
    throw invalidRequest(
      'You must specify either `price` or `price_data` in each line item.',
      'line_items[0]',
    );
  }
  if (priceId !== undefined) {
    const price = ctx.state.prices.get(priceId);
    if (price === undefined) throw missingReference('price', priceId, 'line_items[0][price]');
    if (price.type === 'recurring') {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        'line_items[0][price]',
      );
    }
    return price;
  }
  const d = data as FormObject;
  if (d.recurring !== undefined) {
    throw invalidRequest(
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
      'line_items[0][price_data][recurring]',
    );
  }
  const currency = reqString(d, 'currency', 'line_items[0][price_data][currency]').toLowerCase();
  const amount = optInt(d, 'unit_amount', 'line_items[0][price_data][unit_amount]');
  if (amount === undefined || amount < 1) {
    throw invalidRequest(
      'Missing required param: line_items[0][price_data][unit_amount].',
      'line_items[0][price_data][unit_amount]',
    );
  }
  let productId = optString(d, 'product', 'line_items[0][price_data][product]');
  const productData = optObject(d, 'product_data', 'line_items[0][price_data][product_data]');
  if ((productId === undefined) === (productData === undefined)) {
    throw invalidRequest(
      'You must specify either `product` or `product_data` when creating a price.',
      'line_items[0][price_data]',
    );
  }
  if (productId !== undefined && !ctx.state.products.has(productId)) {
    throw missingReference('product', productId, 'line_items[0][price_data][product]');
  }
  if (productData !== undefined) {
    const name = reqString(productData, 'name', 'line_items[0][price_data][product_data][name]');
    productId = newId('prod');
    const template = ctx.state.products.values().next().value as Stripe.Product;
    ctx.state.products.set(productId, {
      ...template,
      id: productId,
      name,
      description: null,
      default_price: null,
      metadata: applyMetadata({}, productData),
      created: ctx.state.now,
      updated: ctx.state.now,
    });
  }
  const price = buildPrice({
    id: newId('price'),
    nickname: null,
    amount,
    interval: null,
    currency,
    product: productId,
    now: ctx.state.now,
  });
  // Inline prices cannot be reused for new purchases.
  price.active = false;
  ctx.state.prices.set(price.id, price);
  return price;
}

/** `POST /v1/checkout/sessions` with `mode=payment`. */
export function createPaymentSession(
  ctx: EmulatorContext,
  params: FormObject,
  base: {
    customer: string | null;
    customerEmail: string | null;
    successUrl: string | null;
    cancelUrl: string | null;
    clientReferenceId: string | null;
    lines: unknown[];
  },
): Stripe.Checkout.Session {
  if (params.subscription_data !== undefined) {
    throw invalidRequest('`subscription_data` can only be used in `subscription` mode.', 'subscription_data');
  }
  if (base.lines.length > 1) throw invalidRequest('The emulator supports one line item.', 'line_items[1]');
  const line = asObject(base.lines[0] as never, 'line_items[0]');
  const price = linePrice(ctx, line);
  const quantity = optInt(line, 'quantity', 'line_items[0][quantity]');
  if (quantity === undefined) {
    throw invalidRequest(
      'Quantity is required. Add `quantity` to `line_items[0]`',
      'line_items[0][quantity]',
    );
  }
  if (quantity < 1) throw invalidRequest('Quantity must be at least 1.', 'line_items[0][quantity]');
  const intentData = optObject(params, 'payment_intent_data');
  const id = newId('cs_test');
  const session = buildCheckoutSession({
    id,
    url: `${ctx.config.baseUrl}/checkout/${id}`,
    customer: base.customer,
    customerEmail: base.customerEmail,
    amountTotal: (price.unit_amount ?? 0) * quantity,
    currency: price.currency,
    successUrl: base.successUrl,
    cancelUrl: base.cancelUrl,
    clientReferenceId: base.clientReferenceId,
    metadata: applyMetadata({}, params),
    allowPromotionCodes: null,
    trial: false,
    tax: { automatic: false, billingAddressCollection: null, taxIdCollection: false },
    mode: 'payment',
    now: ctx.state.now,
  });
  ctx.state.checkoutSessions.set(id, {
    session,
    priceId: price.id,
    quantity,
    trialEnd: null,
    subscriptionMetadata: {},
    paymentIntentMetadata: intentData === undefined ? {} : applyMetadata({}, intentData),
  });
  return session;
}

export type PaymentResult =
  | { ok: true; session: Stripe.Checkout.Session }
  | { ok: false; status: 400 | 402; problem: { message: string; code: string; declineCode?: string } };

/** Charges the card for a payment session: a refused card leaves a failed charge and the session open. */
export function completePayment(
  ctx: EmulatorContext,
  rec: CheckoutRecord,
  input: CardInput | null,
): PaymentResult {
  const session = rec.session;
  if (input === null)
    return {
      ok: false,
      status: 400,
      problem: { message: 'Enter your card details.', code: 'incomplete_number' },
    };
  const checked = checkCard(input, ctx.state.now);
  if ('problem' in checked) return { ok: false, status: 400, problem: checked.problem };
  const existing =
    typeof session.customer === 'string' ? ctx.state.customers.get(session.customer) : undefined;
  let customer = existing !== undefined && !existing.deleted ? existing.customer : undefined;
  if (customer === undefined) {
    customer = buildCustomer(
      newId('cus'),
      {
        email: session.customer_email,
        name: checked.card.name,
        description: null,
        phone: null,
        metadata: {},
      },
      ctx.state.now,
    );
    ctx.state.customers.set(customer.id, { customer, deleted: false, card: null });
    emit(ctx, 'customer.created', customer);
  }
  const problem = refusal(checked.card, 'charge');
  const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : newId('pi');
  const charge = buildCharge({
    id: newId('ch'),
    amount: session.amount_total ?? 0,
    currency: session.currency ?? 'usd',
    customer,
    card: checked.card,
    paymentIntent,
    description: 'Checkout payment',
    problem,
    metadata: rec.paymentIntentMetadata ?? {},
    now: ctx.state.now,
  });
  ctx.state.charges.set(charge.id, charge);
  session.payment_intent = paymentIntent;
  if (problem !== null) {
    emit(ctx, 'charge.failed', charge);
    return { ok: false, status: 402, problem };
  }
  emit(ctx, 'charge.succeeded', charge);
  session.status = 'complete';
  session.payment_status = 'paid';
  session.customer = customer.id;
  session.url = null;
  session.customer_details = {
    address: null,
    business_name: null,
    email: customer.email,
    individual_name: null,
    name: checked.card.name ?? customer.name ?? null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  emit(ctx, 'checkout.session.completed', session);
  return { ok: true, session };
}
