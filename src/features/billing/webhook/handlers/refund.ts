/**
 * @module `charge.refunded`: a full refund of the payment for the current period of the subscription
 * the membership follows ends what it paid for. The charge's subscription is found as Stripe's
 * current API links them (the invoice payment of the charge's payment intent, then the invoice's
 * subscription): invoice charges carry no metadata pointing back.
 */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import { toMembership } from '../../../../db/memberships';
import { canEntitle, membershipFromSubscription } from '../../../../domain/billing';
import { wholeSeconds } from '../../../../domain/time';
import { idOf, periodStart, toSnapshot } from '../../snapshot';
import { callStripe } from '../../stripe';
import { fetchSubscription, findTarget, governingSubscription } from '../subject';
import { type Change, notYet } from './change';

/** The subscription whose invoice a payment intent paid, or null for one of no subscription invoice. */
export async function subscriptionOfPaymentIntent(
  ctx: AppContext,
  paymentIntent: string | null,
): Promise<string | null> {
  if (!paymentIntent) return null;
  return callStripe(ctx, 'invoicePayments.list', async (stripe) => {
    const payments = await stripe.invoicePayments.list({
      payment: { type: 'payment_intent', payment_intent: paymentIntent },
      limit: 1,
    });
    const invoiceId = idOf(payments.data[0]?.invoice);
    if (!invoiceId) return null;
    const invoice = await stripe.invoices.retrieve(invoiceId);
    return idOf(invoice.parent?.subscription_details?.subscription);
  });
}

/**
 * Another subscription of the customer that still entitles (a second one beside the refunded):
 * the access it pays for is not the refund's to end.
 */
async function otherEntitling(
  ctx: AppContext,
  customerId: string,
  refundedId: string,
): Promise<Stripe.Subscription | null> {
  const list = await callStripe(ctx, 'subscriptions.list', (stripe) =>
    stripe.subscriptions.list({ customer: customerId, limit: 10 }),
  );
  return list.data.find((s) => s.id !== refundedId && canEntitle(s.status)) ?? null;
}

export async function onChargeRefunded(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  const charge = event.data.object as Stripe.Charge;
  const customerId = idOf(charge.customer);
  const fullyRefunded = charge.refunded || charge.amount_refunded >= charge.amount;
  const subscriptionId = fullyRefunded
    ? await subscriptionOfPaymentIntent(ctx, idOf(charge.payment_intent))
    : null;
  const target = await findTarget(ctx, { customerId });
  if (!target)
    return fullyRefunded && subscriptionId
      ? notYet(customerId, subscriptionId)
      : { target: null, next: null };
  if (!subscriptionId) return { target, next: null };
  const refunded = await fetchSubscription(ctx, subscriptionId);
  if (!refunded) return { target, next: null };
  // A refund of another subscription than the one the membership follows leaves it alone.
  const governing = await governingSubscription(ctx, refunded, target.row.stripeSubscriptionId);
  if (governing.id !== refunded.id) return { target, next: null };
  const start = periodStart(refunded);
  // Only the payment for the current period ends the entitlement; a refund of an older one does not.
  const latest = start === null || charge.created * 1000 >= start.getTime() - 86_400_000;
  const current = toMembership(target.row);
  if (!latest || !current) return { target, next: null };
  const other = customerId ? await otherEntitling(ctx, customerId, refunded.id) : null;
  if (other) {
    // The membership follows the subscription that still pays; the refund ends nothing of it.
    const next = membershipFromSubscription(
      toSnapshot(ctx.config, other),
      current,
      { refundedThrough: null },
      { now: ctx.now(), graceDays: ctx.config.graceDays },
    );
    return { target, next, links: { refundedThrough: null, stripeSubscriptionId: other.id } };
  }
  const snapshot = toSnapshot(ctx.config, refunded);
  const refundedThrough = snapshot.currentPeriodEnd ?? wholeSeconds(ctx.now());
  const next = membershipFromSubscription(
    snapshot,
    current,
    { refundedThrough },
    { now: ctx.now(), graceDays: ctx.config.graceDays },
  );
  ctx.logger.info('full refund ends entitlement', { reader_id: target.row.readerId, event_id: event.id });
  return { target, next, links: { refundedThrough, stripeSubscriptionId: refunded.id } };
}
