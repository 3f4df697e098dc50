/** @module `Stripe.Invoice` for subscription billing, with its one line and its invoice payment. */

import type Stripe from 'stripe';
import { newId } from '../ids';

export interface NewInvoice {
  id: string;
  customer: Stripe.Customer;
  subscription: Stripe.Subscription;
  item: Stripe.SubscriptionItem;
  billingReason: Stripe.Invoice.BillingReason;
  /** The service period the line pays for. */
  lineStart: number;
  lineEnd: number;
  /** Stripe's invoice-level period is the one that just ended (both equal `now` on a first invoice). */
  periodStart: number;
  periodEnd: number;
  amount: number;
  paymentIntent: string;
  now: number;
}

function buildLine(input: NewInvoice): Stripe.InvoiceLineItem {
  const price = input.item.price;
  const quantity = input.item.quantity ?? 1;
  const interval = price.recurring?.interval ?? 'month';
  return {
    id: newId('il'),
    object: 'line_item',
    amount: input.amount,
    currency: input.subscription.currency,
    description:
      input.amount === 0
        ? `Trial period for ${price.nickname ?? 'Membership'}`
        : `${quantity} × Membership (at $${((price.unit_amount ?? 0) / 100).toFixed(2)} / ${interval})`,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: input.id,
    livemode: false,
    metadata: {},
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: input.subscription.id,
        subscription_item: input.item.id,
      },
    },
    period: { start: input.lineStart, end: input.lineEnd },
    pretax_credit_amounts: [],
    pricing: {
      type: 'price_details',
      price_details: { price: price.id, product: typeof price.product === 'string' ? price.product : '' },
      unit_amount_decimal: price.unit_amount_decimal,
    },
    quantity,
    quantity_decimal: null,
    subscription: input.subscription.id,
    subtotal: input.amount,
    taxes: [],
  };
}

export function buildInvoicePayment(
  invoice: string,
  amount: number,
  paymentIntent: string,
  now: number,
  currency = 'usd',
) {
  const payment: Stripe.InvoicePayment = {
    id: newId('inpay'),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: amount,
    created: now,
    currency,
    invoice,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: paymentIntent },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  };
  return payment;
}

/** A draft invoice; finalising and paying it are state changes made by the billing module. */
export function buildInvoice(input: NewInvoice): Stripe.Invoice {
  const { customer, subscription } = input;
  return {
    id: input.id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Stripe emulator',
    account_tax_ids: null,
    amount_due: input.amount,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: input.amount,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: input.billingReason,
    collection_method: 'charge_automatically',
    created: input.now,
    currency: subscription.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: 'list',
      data: [buildLine(input)],
      has_more: false,
      url: `/v1/invoices/${input.id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    payments: {
      object: 'list',
      data:
        input.amount === 0
          ? []
          : [
              buildInvoicePayment(
                input.id,
                input.amount,
                input.paymentIntent,
                input.now,
                input.subscription.currency,
              ),
            ],
      has_more: false,
      url: `/v1/invoice_payments?invoice=${input.id}`,
    },
    period_end: input.periodEnd,
    period_start: input.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: input.amount,
    subtotal_excluding_tax: input.amount,
    test_clock: null,
    total: input.amount,
    total_discount_amounts: [],
    total_excluding_tax: input.amount,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}
