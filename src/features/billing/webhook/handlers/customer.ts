/** @module `customer.deleted`: the membership is unlinked from Stripe and what Stripe was paying for ends. */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import { toMembership } from '../../../../db/memberships';
import { membershipAfterCustomerDeleted } from '../../../../domain/billing';
import { findTarget } from '../subject';
import { type Change, NO_CHANGE, notYet } from './change';

export async function onCustomerDeleted(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  const customerId = (event.data.object as Stripe.Customer).id;
  const target = await findTarget(ctx, { customerId });
  if (!target) return notYet(customerId, null);
  const current = toMembership(target.row);
  if (!current) return NO_CHANGE;
  return {
    target,
    next: membershipAfterCustomerDeleted(current, ctx.now()),
    links: { stripeCustomerId: null, stripeSubscriptionId: null },
  };
}
