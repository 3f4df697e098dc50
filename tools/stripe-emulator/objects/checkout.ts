/** @module `Stripe.Checkout.Session` (subscription mode) and `Stripe.BillingPortal.Session`. */

import type Stripe from 'stripe';
import { CHECKOUT_SESSION_TTL_SECONDS } from '../constants';

export interface NewCheckoutSession {
  id: string;
  url: string;
  customer: string | null;
  customerEmail: string | null;
  amountTotal: number;
  currency: string;
  successUrl: string | null;
  cancelUrl: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  allowPromotionCodes: boolean | null;
  trial: boolean;
  /** Stripe Tax and what Checkout collects for it. */
  tax: CheckoutTax;
  /** Default `subscription`. */
  mode?: 'subscription' | 'payment';
  now: number;
}

export interface CheckoutTax {
  automatic: boolean;
  billingAddressCollection: 'auto' | 'required' | null;
  taxIdCollection: boolean;
}

export function buildCheckoutSession(input: NewCheckoutSession): Stripe.Checkout.Session {
  return {
    id: input.id,
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: input.allowPromotionCodes,
    allowed_payment_method_types: null,
    amount_subtotal: input.amountTotal,
    amount_total: input.amountTotal,
    automatic_tax: input.tax.automatic
      ? { enabled: true, liability: { type: 'self' }, provider: 'stripe', status: 'requires_location_inputs' }
      : { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: input.tax.billingAddressCollection,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: input.now,
    currency: input.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: input.customer,
    customer_account: null,
    customer_creation: input.customer === null ? (input.mode === 'payment' ? 'if_required' : 'always') : null,
    customer_details: null,
    customer_email: input.customerEmail,
    discounts: [],
    expires_at: input.now + CHECKOUT_SESSION_TTL_SECONDS,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: input.metadata,
    mode: input.mode ?? 'subscription',
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    payment_status: input.trial ? 'no_payment_required' : 'unpaid',
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: input.successUrl,
    tax_id_collection: { enabled: input.tax.taxIdCollection, required: 'never' },
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted_page',
    url: input.url,
    wallet_options: null,
  };
}

export function buildPortalSession(
  id: string,
  customer: string,
  configuration: string,
  returnUrl: string | null,
  url: string,
  now: number,
): Stripe.BillingPortal.Session {
  return {
    id,
    object: 'billing_portal.session',
    configuration,
    created: now,
    customer,
    customer_account: null,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: returnUrl,
    url,
  };
}
