/**
 * @module Card disputes (`charge.dispute.created`, `.funds_withdrawn`, `.closed`): the disputed
 * payment's subscription is found as a refund's is (its payment intent's invoice payment), the
 * dispute is read again (its latest state, whatever order its events came in), and its state is
 * recorded on the subscription's metadata at Stripe, so that every later re-fetch of the
 * subscription knows of it. While it is open, access ends or goes into grace (`DISPUTE_POLICY`); a
 * policy `end` also stops renewals. Won: the record goes and access (and renewals) come back. Lost:
 * the subscription is canceled, so nothing more is charged to a card whose holder disputes it.
 */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import { toMembership } from '../../../../db/memberships';
import { membershipFromSubscription, membershipUnderDispute } from '../../../../domain/billing';
import { DISPUTE_METADATA, disputedSince, idOf, toSnapshot } from '../../snapshot';
import { callStripe, callStripeUnlessMissing } from '../../stripe';
import { fetchSubscription, findTarget, governingSubscription } from '../subject';
import { type Change, NO_CHANGE, notYet } from './change';
import { subscriptionOfPaymentIntent } from './refund';

/** A chargeback Stripe is still deciding (inquiries, `warning_*`, move no money). */
const OPEN: ReadonlySet<string> = new Set(['needs_response', 'under_review']);

/** Brings the subscription's record of the dispute in line with the dispute; returns the subscription after. */
async function recordDispute(
  ctx: AppContext,
  sub: Stripe.Subscription,
  dispute: Stripe.Dispute,
): Promise<Stripe.Subscription> {
  const recorded = sub.metadata?.[DISPUTE_METADATA.id] ?? null;
  const open = OPEN.has(dispute.status);
  if (open && recorded === null && sub.status !== 'canceled') {
    const stopRenewal = ctx.config.disputePolicy === 'end' && !sub.cancel_at_period_end;
    ctx.logger.warn('payment disputed', {
      subscription: sub.id,
      dispute: dispute.id,
      reason: dispute.reason,
    });
    return callStripe(ctx, 'subscriptions.update', (stripe) =>
      stripe.subscriptions.update(sub.id, {
        metadata: {
          [DISPUTE_METADATA.id]: dispute.id,
          [DISPUTE_METADATA.since]: String(dispute.created),
          ...(stopRenewal ? { [DISPUTE_METADATA.stoppedRenewal]: '1' } : {}),
        },
        ...(stopRenewal ? { cancel_at_period_end: true } : {}),
      }),
    );
  }
  if (open || recorded !== dispute.id) return sub;
  const clear = {
    [DISPUTE_METADATA.id]: '',
    [DISPUTE_METADATA.since]: '',
    [DISPUTE_METADATA.stoppedRenewal]: '',
  };
  if (dispute.status === 'won') {
    const stopped = sub.metadata?.[DISPUTE_METADATA.stoppedRenewal] === '1';
    ctx.logger.info('dispute won', { subscription: sub.id, dispute: dispute.id });
    return callStripe(ctx, 'subscriptions.update', (stripe) =>
      stripe.subscriptions.update(sub.id, {
        metadata: clear,
        ...(stopped && sub.status !== 'canceled' ? { cancel_at_period_end: false } : {}),
      }),
    );
  }
  ctx.logger.warn('dispute lost: subscription canceled', { subscription: sub.id, dispute: dispute.id });
  return callStripe(ctx, 'subscriptions.cancel', async (stripe) => {
    await stripe.subscriptions.update(sub.id, { metadata: clear });
    return sub.status === 'canceled'
      ? stripe.subscriptions.retrieve(sub.id)
      : stripe.subscriptions.cancel(sub.id);
  });
}

export async function onDisputeEvent(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  const sent = event.data.object as Stripe.Dispute;
  const dispute =
    (await callStripeUnlessMissing(ctx, 'disputes.retrieve', (stripe) =>
      stripe.disputes.retrieve(sent.id),
    )) ?? sent;
  const subscriptionId = await subscriptionOfPaymentIntent(ctx, idOf(dispute.payment_intent));
  if (!subscriptionId) return NO_CHANGE;
  const disputed = await fetchSubscription(ctx, subscriptionId);
  if (!disputed) return NO_CHANGE;
  const customerId = idOf(disputed.customer);
  const target = await findTarget(ctx, { readerId: disputed.metadata?.reader_id, customerId });
  if (!target) return notYet(customerId, disputed.id);
  const current = toMembership(target.row);
  if (!current) return { target, next: null };
  const governing = await governingSubscription(ctx, disputed, target.row.stripeSubscriptionId);
  // The dispute is recorded at Stripe whatever the membership follows: its renewals stop too.
  const after = await recordDispute(ctx, disputed, dispute);
  if (governing.id !== disputed.id) return { target, next: null };
  const inputs = { now: ctx.now(), graceDays: ctx.config.graceDays };
  const next = membershipUnderDispute(
    membershipFromSubscription(
      toSnapshot(ctx.config, after),
      current,
      { refundedThrough: target.row.refundedThrough },
      inputs,
    ),
    disputedSince(after),
    ctx.config.disputePolicy,
    inputs,
  );
  return { target, next, links: { stripeSubscriptionId: after.id } };
}
