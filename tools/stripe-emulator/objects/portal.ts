/** @module `Stripe.BillingPortal.Configuration`, `Stripe.Coupon` and `Stripe.WebhookEndpoint`, as the API answers them. */

import type Stripe from 'stripe';
import { EMULATOR_API_VERSION } from '../constants';

export const DEFAULT_PORTAL_CONFIGURATION = 'bpc_emulator_default';

export type PortalFeatures = Stripe.BillingPortal.Configuration.Features;

/** What a configuration has when a feature is not given: Stripe's defaults (everything off). */
export function defaultFeatures(): PortalFeatures {
  return {
    customer_update: { allowed_updates: [], enabled: false },
    invoice_history: { enabled: false },
    payment_method_update: { enabled: false, payment_method_configuration: null },
    subscription_cancel: {
      cancellation_reason: { enabled: false, feedback_options: null, options: [] },
      enabled: false,
      mode: 'at_period_end',
      proration_behavior: 'none',
    },
    subscription_pause: { duration: { interval_options: [], type: 'indefinite' }, enabled: false },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      products: [],
      proration_behavior: 'none',
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: 'end_trial',
    },
  };
}

export function buildPortalConfiguration(input: {
  id: string;
  features: PortalFeatures;
  businessProfile?: Partial<Stripe.BillingPortal.Configuration.BusinessProfile>;
  defaultReturnUrl?: string | null;
  metadata?: Record<string, string>;
  name?: string | null;
  isDefault?: boolean;
  now: number;
}): Stripe.BillingPortal.Configuration {
  return {
    id: input.id,
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: {
      headline: input.businessProfile?.headline ?? null,
      privacy_policy_url: input.businessProfile?.privacy_policy_url ?? null,
      terms_of_service_url: input.businessProfile?.terms_of_service_url ?? null,
    },
    created: input.now,
    default_return_url: input.defaultReturnUrl ?? null,
    features: input.features,
    is_default: input.isDefault ?? false,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: input.metadata ?? {},
    name: input.name ?? null,
    updated: input.now,
  };
}

/** The emulator's default portal: everything a member needs, as the Dashboard's default offers it. */
export function buildDefaultPortalConfiguration(now: number): Stripe.BillingPortal.Configuration {
  const features = defaultFeatures();
  features.invoice_history.enabled = true;
  features.payment_method_update.enabled = true;
  features.subscription_cancel.enabled = true;
  return buildPortalConfiguration({ id: DEFAULT_PORTAL_CONFIGURATION, features, isDefault: true, now });
}

export function buildCoupon(input: {
  id: string;
  name: string | null;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  duration: Stripe.Coupon.Duration;
  durationInMonths: number | null;
  metadata: Record<string, string>;
  now: number;
}): Stripe.Coupon {
  return {
    id: input.id,
    object: 'coupon',
    amount_off: input.amountOff,
    created: input.now,
    currency: input.currency,
    duration: input.duration,
    duration_in_months: input.durationInMonths,
    livemode: false,
    max_redemptions: null,
    metadata: input.metadata,
    name: input.name,
    percent_off: input.percentOff,
    redeem_by: null,
    times_redeemed: 0,
    valid: true,
  };
}

export function buildWebhookEndpoint(input: {
  id: string;
  url: string;
  enabledEvents: string[];
  description: string | null;
  apiVersion: string | null;
  metadata: Record<string, string>;
  now: number;
}): Stripe.WebhookEndpoint {
  return {
    id: input.id,
    object: 'webhook_endpoint',
    api_version: input.apiVersion ?? EMULATOR_API_VERSION,
    application: null,
    created: input.now,
    description: input.description,
    enabled_events: input.enabledEvents,
    livemode: false,
    metadata: input.metadata,
    status: 'enabled',
    url: input.url,
  };
}
