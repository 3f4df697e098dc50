/**
 * @module `customer.deleted`: the membership is unlinked from Stripe and what Stripe was paying for
 * ends; a Stripe trial still running is kept until it would have ended.
 */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import { toMembership } from '../../../../db/memberships';
import { membershipAfterCustomerDeleted } from '../../../../domain/billing';
import { fetchSubscription, findTarget } from '../subject';
import { type Change, NO_CHANGE, notYet } from './change';
import { stripeTrialEnd } from './subscription';

export async function onCustomerDeleted(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  const customerId = (event.data.object as Stripe.Customer).id;
  const target = await findTarget(ctx, { customerId });
  if (!target) return notYet(customerId, null);
  const current = toMembership(target.row);
  if (!current) return NO_CHANGE;
  // A Stripe trial the deletion cut short is kept until it would have ended.
  const linked = target.row.stripeSubscriptionId;
  const sub = linked ? await fetchSubscription(ctx, linked) : null;
  return {
    target,
    next: membershipAfterCustomerDeleted(current, ctx.now(), sub ? stripeTrialEnd(sub) : null),
    links: { stripeCustomerId: null, stripeSubscriptionId: null },
  };
}
