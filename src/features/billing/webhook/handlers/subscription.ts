/**
 * @module Events about a subscription (its own events, Checkout's completion, invoices): the
 * subscription is re-fetched and mapped onto the membership, with the mail the event calls for.
 */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import { toMembership } from '../../../../db/memberships';
import {
  membershipAfterCustomerDeleted,
  membershipFromSubscription,
  membershipUnderDispute,
} from '../../../../domain/billing';
import { rfc3339, rfc3339OrNull } from '../../../../domain/time';
import { mailRow } from '../../../mail';
import { disputedSince, idOf, toSnapshot } from '../../snapshot';
import {
  cancelIfReaderDeleted,
  customerDeleted,
  fetchSubscription,
  findTarget,
  governingSubscription,
} from '../subject';
import { type Change, NO_CHANGE, notYet } from './change';
import { endDuplicateSubscriptions, mayDuplicate } from './subscription-duplicates';

/** The end of the subscription's Stripe trial, if it had one. */
export function stripeTrialEnd(sub: Stripe.Subscription): Date | null {
  return typeof sub.trial_end === 'number' ? new Date(sub.trial_end * 1000) : null;
}

export interface SubscriptionHints {
  readerId?: string | null | undefined;
  customerId?: string | null | undefined;
  /** When the payment failure that made the subscription past_due happened. */
  failedAt?: Date | null;
}

/** The membership the subscription (as Stripe has it now) grants, and the mail the event calls for. */
export async function fromSubscription(
  ctx: AppContext,
  event: Stripe.Event,
  subscriptionId: string,
  hints: SubscriptionHints,
): Promise<Change> {
  const fetched = await fetchSubscription(ctx, subscriptionId);
  if (!fetched) return NO_CHANGE;
  const readerId = hints.readerId ?? fetched.metadata?.reader_id;
  const customerId = hints.customerId ?? idOf(fetched.customer);
  const target = await findTarget(ctx, { readerId, customerId });
  if (!target) {
    if (await cancelIfReaderDeleted(ctx, fetched, readerId)) return NO_CHANGE;
    return notYet(customerId, fetched.id);
  }
  const current = toMembership(target.row);
  if (!current) return { target, next: null };
  // A membership is never linked (again) to a Stripe customer that has been deleted, whatever
  // order the customer's events arrive in: its subscriptions are over with it.
  // Deleting a customer cancels its subscriptions first, so the subscription's own deletion is
  // usually the first word of it: one that ended during its trial asks whether that is why.
  // Stripe cancels a customer's live subscriptions when it deletes the customer, so only a
  // subscription that is over can belong to a deleted customer: a live one needs no lookup.
  const trialEnd = stripeTrialEnd(fetched);
  const over = fetched.status === 'canceled' || fetched.status === 'incomplete_expired';
  const endedInTrial = fetched.status === 'canceled' && trialEnd !== null && trialEnd > ctx.now();
  if (
    customerId &&
    over &&
    (customerId !== target.row.stripeCustomerId || endedInTrial) &&
    (await customerDeleted(ctx, customerId))
  ) {
    return {
      target,
      next: membershipAfterCustomerDeleted(current, ctx.now(), trialEnd),
      links: { stripeCustomerId: null, stripeSubscriptionId: null },
    };
  }
  // A second subscription for the reader is ended at once; the membership follows the one kept.
  const kept = mayDuplicate(event.type, target.row.stripeSubscriptionId, fetched.id)
    ? await endDuplicateSubscriptions(ctx, target, fetched, event.id)
    : null;
  const sub = await governingSubscription(ctx, kept ?? fetched, target.row.stripeSubscriptionId);
  const snapshot = toSnapshot(ctx.config, sub);
  const inputs = { now: ctx.now(), graceDays: ctx.config.graceDays, failedAt: hints.failedAt ?? null };
  // An open dispute of one of its payments (recorded on the subscription) holds access back.
  const next = membershipUnderDispute(
    membershipFromSubscription(snapshot, current, { refundedThrough: target.row.refundedThrough }, inputs),
    disputedSince(sub),
    ctx.config.disputePolicy,
    inputs,
  );
  const mails: ReturnType<typeof mailRow>[] = [];
  if (event.type === 'customer.subscription.trial_will_end' && snapshot.status === 'trialing') {
    mails.push(
      mailRow(ctx, {
        dedupeKey: `trial_will_end:${sub.id}:${sub.trial_end ?? ''}`,
        readerId: target.row.readerId,
        to: target.email,
        template: 'trial_will_end',
        payload: {
          trial_end: sub.trial_end ? rfc3339(new Date(sub.trial_end * 1000)) : null,
          plan: snapshot.plan,
        },
      }),
    );
  }
  if (event.type === 'invoice.payment_failed' && next?.status === 'past_due') {
    mails.push(
      mailRow(ctx, {
        dedupeKey: `payment_failed:${event.id}`,
        readerId: target.row.readerId,
        to: target.email,
        template: 'payment_failed',
        payload: {
          grace_until: rfc3339OrNull(next.graceUntil),
          manage_url: `${ctx.config.publicUrl}/account`,
        },
      }),
    );
  }
  if (event.type === 'invoice.paid') {
    const invoice = event.data.object as Stripe.Invoice;
    if (invoice.amount_paid > 0) {
      mails.push(
        mailRow(ctx, {
          dedupeKey: `receipt:${invoice.id}`,
          readerId: target.row.readerId,
          to: target.email,
          template: 'receipt',
          payload: {
            amount: invoice.amount_paid,
            currency: invoice.currency,
            plan: snapshot.plan,
            paid_through: rfc3339OrNull(next?.currentPeriodEnd ?? null),
            invoice_url: invoice.hosted_invoice_url ?? null,
          },
        }),
      );
    }
  }
  // Told once per subscription, whichever event shows it first: the membership starts ending.
  const endingNow = next?.status === 'canceled' || next?.cancelAtPeriodEnd === true;
  const endingBefore = current.status === 'canceled' || current.cancelAtPeriodEnd;
  if (endingNow && !endingBefore) {
    mails.push(
      mailRow(ctx, {
        dedupeKey: `cancellation:${sub.id}`,
        readerId: target.row.readerId,
        to: target.email,
        template: 'cancellation',
        payload: { access_until: rfc3339OrNull(next?.currentPeriodEnd ?? null) },
      }),
    );
  }
  return {
    target,
    next,
    links: {
      stripeCustomerId: snapshot.customerId || target.row.stripeCustomerId,
      stripeSubscriptionId: sub.id,
    },
    mails,
  };
}

/** `checkout.session.completed`: the subscription it created, for the reader it names. */
export function onCheckoutCompleted(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  const session = event.data.object as Stripe.Checkout.Session;
  const subscriptionId = idOf(session.subscription);
  if (!subscriptionId) return Promise.resolve(NO_CHANGE);
  return fromSubscription(ctx, event, subscriptionId, {
    readerId: session.client_reference_id ?? session.metadata?.reader_id,
    customerId: idOf(session.customer),
  });
}

/** `customer.subscription.*`: the subscription itself. */
export function onSubscriptionEvent(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  const sub = event.data.object as Stripe.Subscription;
  return fromSubscription(ctx, event, sub.id, {
    readerId: sub.metadata?.reader_id,
    customerId: idOf(sub.customer),
  });
}
