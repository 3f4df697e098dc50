/** @module Which Stripe the service talks to: the local emulator (development defaults) or Stripe itself, by one switch. */

/** Development defaults that point at the local Stripe emulator (`npm run stripe:emulator`). */
export const EMULATOR_DEFAULTS = {
  STRIPE_SECRET_KEY: 'sk_test_emulator_0000000000000000',
  STRIPE_WEBHOOK_SECRET: 'whsec_emulator_0000000000000000',
  STRIPE_API_BASE: 'http://127.0.0.1:12111',
  STRIPE_PRICE_MONTHLY: 'price_monthly_emulator',
  STRIPE_PRICE_ANNUAL: 'price_annual_emulator',
} as const;

/** Stripe's own API: `STRIPE_API_BASE=stripe` or this URL means real Stripe, whatever the environment. */
export const STRIPE_API_ORIGIN = 'https://api.stripe.com';

/**
 * Whether the development defaults (the local emulator, its key and prices) apply: never in
 * production, and not when `STRIPE_API_BASE` names real Stripe, nor when a real Stripe key is set
 * without a base (so a real `sk_test_…` never goes to the loopback emulator over plain HTTP).
 */
export function usesEmulator(
  environment: string,
  raw: { STRIPE_API_BASE?: string | undefined; STRIPE_SECRET_KEY?: string | undefined },
): boolean {
  if (environment === 'production') return false;
  if (raw.STRIPE_API_BASE !== undefined) return stripeApiBase(raw.STRIPE_API_BASE) !== undefined;
  const key = raw.STRIPE_SECRET_KEY;
  return key === undefined || key === EMULATOR_DEFAULTS.STRIPE_SECRET_KEY;
}

/** The base URL the Stripe SDK is pointed at, or undefined for real Stripe (its default host). */
export function stripeApiBase(value: string | undefined): string | undefined {
  if (value === undefined || value === 'stripe') return undefined;
  return new URL(value).origin === STRIPE_API_ORIGIN ? undefined : value;
}
