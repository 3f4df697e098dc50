/** @module Billing with Stripe: the client, what other features read of Stripe objects, reconciliation. */
export { type CheckoutInput, startCheckout } from './checkout';
export { openBillingPortal } from './portal';
export { type PlanPrices, planPrices, readerCountry } from './prices';
export { reconcileStripe } from './reconcile';
export { seatsOf, syncSeatQuantity } from './seat-quantity';
export { idOf, toSnapshot } from './snapshot';
export { callStripe, isMissingResource, stripeFor } from './stripe';
