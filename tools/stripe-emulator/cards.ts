/** @module Test card numbers and the checks a card form runs before anything is charged. */

import { TEST_CARDS } from './constants';
import { DISPUTED_CARD } from './disputes';
import { newId } from './ids';

/**
 * What happens when the card is used, as with Stripe's own test cards: pays (4242); attaches but
 * never pays (0341); refused outright, with a generic decline (0002) or for insufficient funds
 * (9995); or asks for 3-D Secure on the first payment or set-up (3155, 3220), then pays (off
 * session too) once the cardholder has authenticated it.
 */
export type CardBehaviour =
  | 'succeeds'
  | 'charge_fails'
  | 'declined'
  | 'insufficient_funds'
  | 'authenticate'
  /** 3184: 3-D Secure on every payment, off session (renewals) too; a challenge covers one use. */
  | 'authenticate_always';

/** Stripe's test card numbers the emulator knows, beyond the three of `TEST_CARDS`. */
export const MORE_TEST_CARDS = {
  /** Declined with `decline_code: insufficient_funds`. */
  insufficientFunds: '4000000000009995',
  /** 3-D Secure required on set-up or the first payment; later off-session payments succeed. */
  authenticate: '4000002500003155',
  /** 3-D Secure 2 must be completed for the payment to succeed. */
  authenticate3ds2: '4000000000003220',
  /** 3-D Secure required on every payment, renewals included (`invoice.payment_action_required`). */
  authenticateAlways: '4000002760003184',
} as const;

export interface CardInput {
  number: string;
  /** `MM / YY`, `MM/YY`, `MMYY` or `MM/YYYY`. */
  exp?: string;
  cvc?: string;
  name?: string;
  /**
   * For a card that asks for 3-D Secure: whether the cardholder completes the challenge on the
   * page (the default) or abandons or fails it.
   */
  authenticate?: boolean;
  /** The billing address Checkout collects for Stripe Tax (or `billing_address_collection=required`). */
  country?: string;
  postal_code?: string;
}

/** A card held by the emulator for a customer; `id` is its payment method id (`pm_…`). */
export interface StoredCard {
  id: string;
  behaviour: CardBehaviour;
  brand: 'visa';
  last4: string;
  expMonth: number;
  expYear: number;
  name: string;
  fingerprint: string;
  created: number;
  /** 3-D Secure completed for this card (on set-up or the first payment): no more challenges. */
  authenticated: boolean;
}

/** A field of the hosted payment form: the card's, and the billing country Stripe Tax needs. */
export type CardField = 'number' | 'exp' | 'cvc' | 'name' | 'country';

export interface CardProblem {
  field: CardField;
  message: string;
  code: string;
  declineCode?: string;
}

export const DECLINED_MESSAGE = 'Your card was declined.';

const BEHAVIOURS: Record<string, CardBehaviour> = {
  [TEST_CARDS.success]: 'succeeds',
  [TEST_CARDS.chargeFails]: 'charge_fails',
  [TEST_CARDS.declined]: 'declined',
  [DISPUTED_CARD]: 'succeeds',
  [MORE_TEST_CARDS.insufficientFunds]: 'insufficient_funds',
  [MORE_TEST_CARDS.authenticate]: 'authenticate',
  [MORE_TEST_CARDS.authenticate3ds2]: 'authenticate',
  [MORE_TEST_CARDS.authenticateAlways]: 'authenticate_always',
};

function parseExpiry(exp: string): { month: number; year: number } | null {
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(exp);
  if (!m) return null;
  const month = Number(m[1]);
  const yearText = m[2] ?? '';
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  return { month, year };
}

/**
 * Validates a card form the way Checkout does, in field order, against the emulator clock
 * (`now`, unix seconds) for the expiry. A declined card is a valid card: the refusal comes
 * when it is used, see {@link refusal}.
 */
export function checkCard(input: CardInput, now: number): { card: StoredCard } | { problem: CardProblem } {
  const digits = input.number.replace(/[\s-]/g, '');
  const behaviour = BEHAVIOURS[digits];
  if (!/^\d{12,19}$/.test(digits) || behaviour === undefined) {
    return { problem: { field: 'number', message: 'Your card number is invalid.', code: 'invalid_number' } };
  }
  const exp = parseExpiry(input.exp ?? '12 / 34');
  if (exp === null || exp.month < 1 || exp.month > 12) {
    return {
      problem: {
        field: 'exp',
        message: "Your card's expiration date is invalid.",
        code: 'invalid_expiry_month',
      },
    };
  }
  const today = new Date(now * 1000);
  const current = today.getUTCFullYear() * 12 + today.getUTCMonth() + 1;
  if (exp.year * 12 + exp.month < current) {
    return {
      problem: {
        field: 'exp',
        message: "Your card's expiration date is in the past.",
        code: 'invalid_expiry_year',
      },
    };
  }
  const cvc = (input.cvc ?? '123').trim();
  if (!/^\d{3,4}$/.test(cvc)) {
    return {
      problem: { field: 'cvc', message: "Your card's security code is invalid.", code: 'invalid_cvc' },
    };
  }
  const name = input.name?.trim() ?? '';
  if (name === '')
    return { problem: { field: 'name', message: 'Enter the name on the card.', code: 'incomplete_name' } };
  return {
    card: {
      id: newId('pm'),
      behaviour,
      brand: 'visa',
      last4: digits.slice(-4),
      expMonth: exp.month,
      expYear: exp.year,
      name,
      fingerprint: `fp_emulator_${digits.slice(-4)}`,
      created: now,
      authenticated:
        (behaviour === 'authenticate' || behaviour === 'authenticate_always') && input.authenticate !== false,
    },
  };
}

/** The problem a card raises when it is attached or charged, if any. */
export function refusal(card: StoredCard, use: 'attach' | 'charge'): CardProblem | null {
  if (card.behaviour === 'insufficient_funds') {
    return {
      field: 'number',
      message: 'Your card has insufficient funds.',
      code: 'card_declined',
      declineCode: 'insufficient_funds',
    };
  }
  if (card.behaviour === 'authenticate_always') {
    // The challenge completed on a page covers that one use; the next payment asks again.
    if (card.authenticated) {
      card.authenticated = false;
      return null;
    }
    return {
      field: 'number',
      message: 'Your card was declined. This transaction requires authentication.',
      code: 'authentication_required',
      declineCode: 'authentication_required',
    };
  }
  if (card.behaviour === 'authenticate' && !card.authenticated) {
    return {
      field: 'number',
      message: 'Your card was declined. This transaction requires authentication.',
      code: 'authentication_required',
      declineCode: 'authentication_required',
    };
  }
  if (card.behaviour === 'declined' || (use === 'charge' && card.behaviour === 'charge_fails')) {
    return {
      field: 'number',
      message: DECLINED_MESSAGE,
      code: 'card_declined',
      declineCode: 'generic_decline',
    };
  }
  return null;
}
