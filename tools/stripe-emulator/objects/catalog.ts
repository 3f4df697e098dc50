/** @module The preconfigured product and its two prices, as `Stripe.Product`, `Stripe.Price` and `Stripe.Plan`. */

import Stripe from 'stripe';
import { EMULATOR_PRICE_ANNUAL, EMULATOR_PRICE_MONTHLY, EMULATOR_PRODUCT } from '../constants';

export function buildProduct(now: number): Stripe.Product {
  return {
    id: EMULATOR_PRODUCT,
    object: 'product',
    active: true,
    created: now,
    default_price: EMULATOR_PRICE_MONTHLY,
    description: 'Full text on every participating publisher.',
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name: 'Membership',
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: now,
    url: null,
  };
}

function buildPrice(
  id: string,
  nickname: string,
  amount: number,
  interval: 'month' | 'year',
  now: number,
): Stripe.Price {
  return {
    id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: now,
    currency: 'usd',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname,
    product: EMULATOR_PRODUCT,
    recurring: { interval, interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    unit_amount: amount,
    unit_amount_decimal: Stripe.Decimal.from(String(amount)),
  };
}

export function buildPrices(now: number): Stripe.Price[] {
  return [
    buildPrice(EMULATOR_PRICE_MONTHLY, 'Monthly', 999, 'month', now),
    buildPrice(EMULATOR_PRICE_ANNUAL, 'Annual', 9900, 'year', now),
  ];
}

/** Subscription items still carry the legacy `plan` twin of their price. */
export function planFromPrice(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}
