/** @module Billing use-cases: Stripe Checkout for a plan, and the Stripe billing portal. */
import type { AppContext } from '../context';
import type { Plan } from '../domain/membership';
import { ApiError } from '../errors';
import type { Authenticated } from './sessions';

export interface CheckoutInput {
  plan: Plan;
  /** Absolute URL Stripe sends the reader to after paying; default: the account page. */
  successUrl?: string | undefined;
  /** Absolute URL for "back" on Stripe's page; default: the subscribe page. */
  cancelUrl?: string | undefined;
}

/** Creates a subscription-mode Checkout Session for the reader and returns its URL. */
export async function startCheckout(
  _ctx: AppContext,
  _who: Authenticated,
  _input: CheckoutInput,
): Promise<{ url: string }> {
  throw new ApiError('unavailable', 'Checkout is not available yet.');
}

/** Creates a Stripe billing portal session; 409 when the reader has never checked out. */
export async function openBillingPortal(
  _ctx: AppContext,
  _who: Authenticated,
  _input: { returnUrl?: string | undefined },
): Promise<{ url: string }> {
  throw new ApiError('unavailable', 'The billing portal is not available yet.');
}
