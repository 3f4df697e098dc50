/**
 * @module A second subscription for one reader (two Checkout sessions both completed, or a stale
 * `incomplete` one beside a new subscription) is ended at once: canceled at Stripe, its payment
 * refunded if one was taken (none is during a trial), and the audit log says so (actor `stripe`).
 */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import { canStillCharge, subscriptionsToEnd } from '../../../../domain/billing';
import { auditEntry } from '../../../audit';
import { idOf } from '../../snapshot';
import { callStripe, isMissingResource } from '../../stripe';
import type { Target } from '../subject';

/** The events that can show a new subscription: a duplicate is looked for on these only. */
export const SHOWS_NEW_SUBSCRIPTION: ReadonlySet<string> = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
]);

/**
 * Whether an event about subscription `eventSub` must look for a second subscription of the
 * reader, whose membership is linked to `linked` (or to none). Only an event that shows a new
 * subscription looks, and only when the membership is linked to another one:
 * - a subscription already linked was looked at by the event that linked it (Checkout's completion
 *   and the subscription's creation announce the same one);
 * - the first subscription linked to a membership has no earlier one beside it: any other shows
 *   itself by events of its own, and whichever of the two links second finds the membership linked
 *   to the other and looks. Two linking at once cannot both miss: the membership's version lets
 *   only one write land, and the other is read again (now linked) and retried.
 * Looking is a list call to Stripe, and its wait is a window in which the same subscription's
 * other events (they come in bursts) move the membership on and make this one retry.
 */
export function mayDuplicate(type: string, linked: string | null, eventSub: string): boolean {
  return SHOWS_NEW_SUBSCRIPTION.has(type) && linked !== null && linked !== eventSub;
}

/** Who the audit log names for what the service does on Stripe's word. */
function stripeActor(eventId: string) {
  return { actor: { keyId: 'stripe' }, requestId: eventId };
}

/** 400 (the subscription is already over: another delivery ended it) or 404. */
function alreadyOver(err: unknown): boolean {
  const status =
    typeof err === 'object' && err !== null ? (err as { statusCode?: unknown }).statusCode : null;
  return status === 400 || isMissingResource(err);
}

/** Refunds what the subscription's latest invoice took, if anything; the amount refunded. */
async function refundLatestPayment(ctx: AppContext, sub: Stripe.Subscription): Promise<number> {
  const invoiceId = idOf(sub.latest_invoice);
  if (!invoiceId) return 0;
  return callStripe(ctx, 'refunds.create', async (stripe) => {
    const invoice = await stripe.invoices.retrieve(invoiceId);
    if (invoice.amount_paid <= 0) return 0;
    const payments = await stripe.invoicePayments.list({ invoice: invoiceId, limit: 1 });
    const paymentIntent = idOf(payments.data[0]?.payment.payment_intent);
    if (!paymentIntent) return 0;
    const refund = await stripe.refunds.create(
      { payment_intent: paymentIntent, reason: 'duplicate' },
      { idempotencyKey: `refund-duplicate-${sub.id}` },
    );
    return refund.amount;
  });
}

/**
 * Ends every subscription of the event's customer but the one a reader keeps (the oldest that can
 * entitle, see `subscriptionsToEnd`). Returns the one kept, as Stripe has it now, or null when
 * there is none to keep (then nothing was ended).
 */
export async function endDuplicateSubscriptions(
  ctx: AppContext,
  target: Target,
  fetched: Stripe.Subscription,
  eventId: string,
): Promise<Stripe.Subscription | null> {
  const customer = idOf(fetched.customer);
  if (!customer || !canStillCharge(fetched.status)) return null;
  const listed = await callStripe(ctx, 'subscriptions.list', (stripe) =>
    stripe.subscriptions.list({ customer, limit: 20 }),
  );
  const { keep, end } = subscriptionsToEnd(listed.data);
  const kept = listed.data.find((s) => s.id === keep?.id) ?? null;
  for (const facts of end) {
    const duplicate = listed.data.find((s) => s.id === facts.id);
    if (!duplicate || !kept) continue;
    const canceled = await callStripe(ctx, 'subscriptions.cancel', (stripe) =>
      stripe.subscriptions
        .cancel(duplicate.id, {
          cancellation_details: { comment: `A second subscription for one reader; ${kept.id} is kept.` },
        })
        .catch((err: unknown) => {
          if (alreadyOver(err)) return null;
          throw err;
        }),
    );
    // Ended by a concurrent delivery of this event: that delivery refunds and audits it.
    if (canceled === null) continue;
    const refunded = duplicate.status === 'trialing' ? 0 : await refundLatestPayment(ctx, duplicate);
    ctx.logger.warn('a second subscription for one reader was ended', {
      reader_id: target.row.readerId,
      subscription: duplicate.id,
      kept: kept.id,
      refunded,
    });
    await ctx.db.batch([
      auditEntry(ctx, stripeActor(eventId), {
        action: 'member.duplicate_subscription_ended',
        targetType: 'member',
        targetId: target.row.readerId,
        before: { subscription: duplicate.id, status: duplicate.status, kept: kept.id },
        after: { subscription: duplicate.id, status: canceled.status, refunded_amount: refunded },
      }),
    ]);
  }
  return kept;
}
