/** @module `charge.refunded`: a full refund of the current period's payment ends what it paid for. */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import { toMembership } from '../../../../db/memberships';
import { membershipFromSubscription } from '../../../../domain/billing';
import { wholeSeconds } from '../../../../domain/time';
import { idOf, periodStart, toSnapshot } from '../../snapshot';
import { fetchSubscription, findTarget } from '../subject';
import { type Change, NO_CHANGE } from './change';

export async function onChargeRefunded(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  const charge = event.data.object as Stripe.Charge;
  const target = await findTarget(ctx, { customerId: idOf(charge.customer) });
  if (!target) return NO_CHANGE;
  const fullyRefunded = charge.refunded || charge.amount_refunded >= charge.amount;
  const subscriptionId = charge.metadata?.subscription || target.row.stripeSubscriptionId;
  if (!fullyRefunded || !subscriptionId) return { target, next: null };
  const sub = await fetchSubscription(ctx, subscriptionId);
  if (!sub) return { target, next: null };
  const start = periodStart(sub);
  // Only the payment for the current period ends the entitlement; a refund of an older one does not.
  const latest = start === null || charge.created * 1000 >= start.getTime() - 86_400_000;
  const current = toMembership(target.row);
  if (!latest || !current) return { target, next: null };
  const snapshot = toSnapshot(ctx.config, sub);
  const refundedThrough = snapshot.currentPeriodEnd ?? wholeSeconds(ctx.now());
  const next = membershipFromSubscription(
    snapshot,
    current,
    { refundedThrough },
    { now: ctx.now(), graceDays: ctx.config.graceDays },
  );
  ctx.logger.info('full refund ends entitlement', { reader_id: target.row.readerId, event_id: event.id });
  return { target, next, links: { refundedThrough } };
}
