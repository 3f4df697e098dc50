/** @module `Stripe.Charge` and `Stripe.Refund` as card payments of invoices produce them. */

import type Stripe from 'stripe';
import type { CardProblem, StoredCard } from '../cards';

export interface NewCharge {
  id: string;
  amount: number;
  currency: string;
  customer: Stripe.Customer;
  card: StoredCard | null;
  paymentIntent: string;
  description: string;
  /** Null when the charge succeeded. */
  problem: CardProblem | null;
  /** Charges no longer point at invoices in this API version: invoice payments link them. */
  metadata: Record<string, string>;
  now: number;
}

function cardDetails(card: StoredCard, amount: number): Stripe.Charge.PaymentMethodDetails {
  return {
    type: 'card',
    card: {
      amount_authorized: amount,
      authorization_code: null,
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: 'US',
      electronic_commerce_indicator: null,
      exp_month: card.expMonth,
      exp_year: card.expYear,
      fingerprint: card.fingerprint,
      funding: 'credit',
      installments: null,
      last4: card.last4,
      mandate: null,
      network: 'visa',
      network_transaction_id: null,
      regulated_status: 'unregulated',
      three_d_secure: null,
      transaction_link_id: null,
      wallet: null,
    },
  };
}

export function buildCharge(input: NewCharge): Stripe.Charge {
  const ok = input.problem === null;
  return {
    id: input.id,
    object: 'charge',
    amount: input.amount,
    amount_captured: ok ? input.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: ok ? `txn_${input.id.slice(3)}` : null,
    billing_details: {
      address: null,
      email: input.customer.email,
      name: input.card?.name ?? input.customer.name ?? null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: 'STRIPE EMULATOR',
    captured: ok,
    created: input.now,
    currency: input.currency,
    customer: input.customer.id,
    description: input.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: input.problem?.code ?? null,
    failure_message: input.problem?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: input.metadata,
    on_behalf_of: null,
    outcome: {
      advice_code: ok ? null : 'try_again_later',
      network_advice_code: null,
      network_decline_code: null,
      network_status: ok ? 'approved_by_network' : 'declined_by_network',
      reason: ok ? null : (input.problem?.declineCode ?? 'generic_decline'),
      risk_level: 'normal',
      seller_message: ok
        ? 'Payment complete.'
        : 'The bank did not return any further details with this decline.',
      type: ok ? 'authorized' : 'issuer_declined',
    },
    paid: ok,
    payment_intent: input.paymentIntent,
    payment_method: input.card?.id ?? null,
    payment_method_details: input.card === null ? null : cardDetails(input.card, input.amount),
    receipt_email: input.customer.email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: ok ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
}

export function buildRefund(id: string, charge: Stripe.Charge, amount: number, now: number): Stripe.Refund {
  return {
    id,
    object: 'refund',
    amount,
    balance_transaction: `txn_${id.slice(3)}`,
    charge: charge.id,
    created: now,
    currency: charge.currency,
    customer: typeof charge.customer === 'string' ? charge.customer : (charge.customer?.id ?? null),
    customer_account: null,
    destination_details: {
      type: 'card',
      card: { reference_status: 'available', reference_type: 'acquirer_reference_number', type: 'refund' },
    },
    metadata: {},
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    payment_method: charge.payment_method,
    reason: null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}
