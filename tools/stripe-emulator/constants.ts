/** @module Fixed values shared by the emulator, its clients and the service's development defaults. */

export const EMULATOR_PORT = 12111;
export const EMULATOR_HOST = '127.0.0.1';
export const EMULATOR_SECRET_KEY = 'sk_test_emulator_0000000000000000';
export const EMULATOR_WEBHOOK_SECRET = 'whsec_emulator_0000000000000000';
export const EMULATOR_PRICE_MONTHLY = 'price_monthly_emulator';
export const EMULATOR_PRICE_ANNUAL = 'price_annual_emulator';
export const EMULATOR_PRODUCT = 'prod_membership_emulator';

/** The API version the installed `stripe` package pins; every object and event claims it. */
export const EMULATOR_API_VERSION = '2026-10-28.endive';

export const DAY = 86_400;
/** Stripe refuses a Checkout `subscription_data[trial_end]` closer than this to now. */
export const MIN_TRIAL_LEAD_SECONDS = 2 * DAY;
export const MAX_TRIAL_LEAD_SECONDS = 730 * DAY;
export const TRIAL_WILL_END_LEAD_SECONDS = 3 * DAY;
export const CHECKOUT_SESSION_TTL_SECONDS = DAY;
/** How long a subscription may stay `past_due` before the emulator cancels it (Stripe's dunning end). */
export const PAST_DUE_CANCEL_AFTER_SECONDS = 14 * DAY;

export const TEST_CARDS = {
  /** Pays every time. */
  success: '4242424242424242',
  /** Attaches to the customer, but every charge on it fails. */
  chargeFails: '4000000000000341',
  /** Declined whenever it is used. */
  declined: '4000000000000002',
} as const;
