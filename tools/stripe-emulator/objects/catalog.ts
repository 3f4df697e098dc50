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

export interface NewPrice {
  id: string;
  nickname: string | null;
  amount: number;
  /** Null for a one-time price. */
  interval: 'day' | 'week' | 'month' | 'year' | null;
  intervalCount?: number;
  currency?: string;
  product?: string;
  lookupKey?: string | null;
  metadata?: Record<string, string>;
  taxBehavior?: Stripe.Price.TaxBehavior;
  now: number;
}

export function buildPrice(p: NewPrice): Stripe.Price {
  const { id, nickname, amount, interval, now } = p;
  return {
    id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: now,
    currency: p.currency ?? 'usd',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: p.lookupKey ?? null,
    metadata: p.metadata ?? {},
    nickname,
    product: p.product ?? EMULATOR_PRODUCT,
    recurring:
      interval === null
        ? null
        : {
            interval,
            interval_count: p.intervalCount ?? 1,
            meter: null,
            trial_period_days: null,
            usage_type: 'licensed',
          },
    tax_behavior: p.taxBehavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: interval === null ? 'one_time' : 'recurring',
    unit_amount: amount,
    unit_amount_decimal: Stripe.Decimal.from(String(amount)),
  };
}

export function buildPrices(now: number): Stripe.Price[] {
  return [
    buildPrice({ id: EMULATOR_PRICE_MONTHLY, nickname: 'Monthly', amount: 999, interval: 'month', now }),
    buildPrice({ id: EMULATOR_PRICE_ANNUAL, nickname: 'Annual', amount: 9900, interval: 'year', now }),
  ];
}

export function currencyOption(
  amount: number,
  taxBehavior: Stripe.Price.TaxBehavior | null = 'unspecified',
): Stripe.Price.CurrencyOptions {
  return {
    custom_unit_amount: null,
    tax_behavior: taxBehavior,
    unit_amount: amount,
    unit_amount_decimal: Stripe.Decimal.from(String(amount)),
  };
}

/** The preconfigured prices sell in euros and pounds too (their own currency is an option as well). */
export function buildCurrencyOptions(): Map<string, Record<string, Stripe.Price.CurrencyOptions>> {
  return new Map([
    [
      EMULATOR_PRICE_MONTHLY,
      { usd: currencyOption(999), eur: currencyOption(899), gbp: currencyOption(799) },
    ],
    [
      EMULATOR_PRICE_ANNUAL,
      { usd: currencyOption(9900), eur: currencyOption(8900), gbp: currencyOption(7900) },
    ],
  ]);
}

/** The amount and tax behaviour of `price` in `currency`, or null when it does not sell in it. */
export function priceIn(
  options: Record<string, Stripe.Price.CurrencyOptions> | undefined,
  price: Stripe.Price,
  currency: string,
): { amount: number; taxBehavior: Stripe.Price.TaxBehavior | null } | null {
  if (currency === price.currency) return { amount: price.unit_amount ?? 0, taxBehavior: price.tax_behavior };
  const option = options?.[currency];
  if (option === undefined) return null;
  return { amount: option.unit_amount ?? 0, taxBehavior: option.tax_behavior };
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
