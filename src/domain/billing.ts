/**
 * @module How Stripe's subscription state maps onto a membership: pure, the clock passed in.
 *
 * The webhook handler and the reconciliation job both re-fetch the subscription from Stripe and
 * call `membershipFromSubscription` with what they got, so the state applied is always Stripe's
 * latest, whatever order (or how many times) the events arrived.
 */
import type { Membership, Plan } from './membership';

const DAY_MS = 86_400_000;

/**
 * Stripe subscription statuses in which the subscription can grant a membership. Among a customer's
 * subscriptions the membership follows one of these before any other.
 */
const ENTITLING_STATUSES: ReadonlySet<string> = new Set(['trialing', 'active', 'past_due']);

/**
 * Stripe subscription statuses in which Stripe may still charge the customer: a second
 * subscription beside one of these would double-charge, and a deleted account's are canceled.
 */
const BILLABLE_STATUSES: ReadonlySet<string> = new Set([
  ...ENTITLING_STATUSES,
  'unpaid',
  'paused',
  'incomplete',
]);

export function canEntitle(status: string): boolean {
  return ENTITLING_STATUSES.has(status);
}

export function canStillCharge(status: string): boolean {
  return BILLABLE_STATUSES.has(status);
}

/**
 * Subscriptions that entitle to nothing and that the portal cannot bring back: `incomplete` (its
 * first payment failed or awaits 3-D Secure; it would lock the reader out for up to 23 hours) and
 * `paused` (a trial ended without a payment method, or a failed first or final payment; only an
 * API call resumes it). A new Checkout ends them instead of being refused.
 */
const REPLACEABLE_STATUSES: ReadonlySet<string> = new Set(['incomplete', 'paused']);

export function replacedByCheckout(status: string): boolean {
  return REPLACEABLE_STATUSES.has(status);
}

/** Whether a subscription in this status refuses the reader a new Checkout (manage it in the portal instead). */
export function blocksCheckout(status: string): boolean {
  return canStillCharge(status) && !replacedByCheckout(status);
}

/** The fields of a Stripe subscription that decide a membership (see features/billing/snapshot.ts). */
export interface SubscriptionSnapshot {
  id: string;
  customerId: string;
  /** Stripe's status: trialing, active, past_due, canceled, unpaid, incomplete, incomplete_expired, paused. */
  status: string;
  cancelAtPeriodEnd: boolean;
  /** Stripe's scheduled cancellation time (`cancel_at`), when set. */
  cancelAt: Date | null;
  currentPeriodEnd: Date | null;
  endedAt: Date | null;
  plan: Plan | null;
}

/** What the membership row remembers about billing beyond the Membership itself. */
export interface BillingMemory {
  /** The end of a period whose payment was fully refunded: that period grants nothing. */
  refundedThrough: Date | null;
}

export interface BillingInputs {
  now: Date;
  graceDays: number;
  /** When the payment failure that made the subscription past_due happened (defaults to now). */
  failedAt?: Date | null;
}

/**
 * The membership a subscription grants. Returns null for states that do not change the
 * membership (`incomplete`: a checkout whose first payment has not gone through yet).
 */
export function membershipFromSubscription(
  sub: SubscriptionSnapshot,
  current: Membership,
  memory: BillingMemory,
  inputs: BillingInputs,
): Membership | null {
  const base: Membership = {
    ...current,
    plan: sub.plan ?? current.plan,
    currentPeriodEnd: sub.currentPeriodEnd,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    graceUntil: null,
    compUntil: current.status === 'comped' ? current.compUntil : null,
    endedReason: null,
  };
  const periodEnd = sub.currentPeriodEnd;
  const refunded =
    memory.refundedThrough !== null &&
    periodEnd !== null &&
    periodEnd.getTime() <= memory.refundedThrough.getTime();
  const expired = (endedReason: Membership['endedReason']): Membership => ({
    ...base,
    status: 'expired',
    cancelAtPeriodEnd: false,
    endedReason,
  });

  // An operator's comp outlives billing changes until it runs out.
  if (current.status === 'comped' && current.compUntil && current.compUntil > inputs.now) {
    return { ...current, plan: sub.plan ?? current.plan, currentPeriodEnd: sub.currentPeriodEnd };
  }

  switch (sub.status) {
    case 'incomplete':
      return null;
    case 'trialing':
    case 'active': {
      if (refunded) return expired('canceled');
      const scheduledEnd =
        sub.cancelAtPeriodEnd || (sub.cancelAt !== null && periodEnd !== null && sub.cancelAt <= periodEnd);
      if (scheduledEnd) {
        const end = sub.cancelAt && periodEnd && sub.cancelAt < periodEnd ? sub.cancelAt : periodEnd;
        return { ...base, status: 'canceled', cancelAtPeriodEnd: true, currentPeriodEnd: end };
      }
      return { ...base, status: 'active' };
    }
    case 'past_due': {
      if (refunded) return expired('canceled');
      // Grace runs from the first failure; a later failure in the same episode does not extend it.
      const graceUntil =
        current.status === 'past_due' && current.graceUntil
          ? current.graceUntil
          : new Date((inputs.failedAt ?? inputs.now).getTime() + inputs.graceDays * DAY_MS);
      return { ...base, status: 'past_due', graceUntil };
    }
    case 'paused':
    case 'incomplete_expired':
      // Paused (a trial ended without a payment method, a failed first or final payment) or a first
      // payment never made: nothing is paid for, so nothing is entitled, whatever the period says.
      // A free trial of the reader's own that is still running is kept.
      return withoutSubscription(base, inputs.now);
    case 'canceled':
    case 'unpaid': {
      const reason = sub.status === 'unpaid' ? 'payment_failed' : 'canceled';
      // Paid time that remains is honoured, unless Stripe says the subscription has already ended.
      if (
        !refunded &&
        sub.endedAt === null &&
        periodEnd !== null &&
        periodEnd > inputs.now &&
        sub.status !== 'unpaid'
      ) {
        return { ...base, status: 'canceled', cancelAtPeriodEnd: true };
      }
      return expired(reason);
    }
    default:
      // An unknown future status changes nothing rather than guessing.
      return null;
  }
}

/**
 * A subscription that entitles to nothing (paused, or its first payment never made): the
 * reader's own free trial, while it runs, else nothing (reason `payment_failed`: a payment is
 * what is missing).
 */
function withoutSubscription(base: Membership, now: Date): Membership {
  const ended = { ...base, cancelAtPeriodEnd: false, graceUntil: null };
  if (base.trialEndsAt !== null && base.trialEndsAt > now) {
    return { ...ended, status: 'trialing', endedReason: null };
  }
  return { ...ended, status: 'expired', endedReason: 'payment_failed' };
}

/**
 * A deleted Stripe customer: the membership is unlinked and whatever Stripe was paying for ends.
 * A Stripe trial still running when its customer was deleted (`stripeTrialEnd`, the trial end of
 * the subscription the membership followed) is not lost: the reader keeps a trial until it would
 * have ended, or until their own free trial ends if that is later. A running comp stays too.
 */
export function membershipAfterCustomerDeleted(
  current: Membership,
  now: Date,
  stripeTrialEnd: Date | null = null,
): Membership {
  if (current.status === 'comped' && current.compUntil && current.compUntil > now) return current;
  const ownTrial = current.trialEndsAt !== null && current.trialEndsAt > now ? current.trialEndsAt : null;
  // A membership already over (an admin's cancel now, a refund) is not brought back by it.
  const stripeTrial =
    current.status !== 'expired' && stripeTrialEnd !== null && stripeTrialEnd > now ? stripeTrialEnd : null;
  if (current.status === 'trialing' && stripeTrial === null) return current;
  if (stripeTrial !== null) {
    const trialEndsAt = ownTrial !== null && ownTrial > stripeTrial ? ownTrial : stripeTrial;
    return {
      ...current,
      status: 'trialing',
      trialEndsAt,
      cancelAtPeriodEnd: false,
      graceUntil: null,
      endedReason: null,
    };
  }
  return {
    ...current,
    status: 'expired',
    cancelAtPeriodEnd: false,
    graceUntil: null,
    endedReason: 'canceled',
  };
}

/**
 * Stripe refuses a Checkout `trial_end` less than 48 hours ahead. The contract promises that a
 * reader who checks out during the free trial is not charged before the trial would have ended,
 * so the Stripe trial runs to the free trial's end, or, with less than 48 hours (and a margin) of
 * it left, to 48 hours and the margin from now: such a reader gets up to two days more, never a
 * charge before their trial was over. Outside a running free trial there is no Stripe trial.
 */
export const STRIPE_MIN_TRIAL_SECONDS = 48 * 3600;

/** Slack for the request to reach Stripe, and for Stripe's clock against ours. */
export const STRIPE_TRIAL_MARGIN_SECONDS = 10 * 60;

export function checkoutTrialEnd(membership: Membership, now: Date): Date | null {
  if (membership.status !== 'trialing' || !membership.trialEndsAt) return null;
  if (membership.trialEndsAt.getTime() <= now.getTime()) return null;
  const earliest = now.getTime() + (STRIPE_MIN_TRIAL_SECONDS + STRIPE_TRIAL_MARGIN_SECONDS) * 1000;
  // Whole seconds: Stripe's trial_end is a Unix timestamp.
  return new Date(Math.ceil(Math.max(membership.trialEndsAt.getTime(), earliest) / 1000) * 1000);
}

/** What {@link subscriptionsToEnd} needs to know of a customer's subscription. */
export interface SubscriptionFacts {
  id: string;
  status: string;
  /** Stripe's `created`, Unix seconds. */
  created: number;
}

/**
 * A reader pays through one subscription. When a customer has several that Stripe may still
 * charge (two Checkout sessions both completed, or a stale `incomplete` one beside a new
 * subscription), the one kept is the oldest that can entitle (ties by id) and every other that
 * can still charge is ended. With none that can entitle nothing is ended here: an `incomplete`
 * subscription alone may still be paid (Checkout ends the stale one when the reader tries again).
 */
export function subscriptionsToEnd(subs: readonly SubscriptionFacts[]): {
  keep: SubscriptionFacts | null;
  end: SubscriptionFacts[];
} {
  const entitling = subs
    .filter((s) => canEntitle(s.status))
    .sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const keep = entitling[0] ?? null;
  if (keep === null) return { keep: null, end: [] };
  return { keep, end: subs.filter((s) => s.id !== keep.id && canStillCharge(s.status)) };
}

/**
 * Of two subscriptions of one customer, the one the membership follows: the one a reader keeps
 * (`subscriptionsToEnd`) when either can entitle, so that an event about a duplicate still waiting
 * to be ended never moves the membership onto it; else the newest (a subscription replacing an
 * ended one, or the latest of two that are over).
 */
export function governingOf<T extends SubscriptionFacts>(a: T, b: T): T {
  const keep = subscriptionsToEnd([a, b]).keep;
  if (keep !== null) return keep.id === a.id ? a : b;
  return b.created > a.created || (b.created === a.created && b.id > a.id) ? b : a;
}

/**
 * What a card dispute (a chargeback) does to access while it is open: `end` (the default: the bank
 * has taken the money back, so the period is unpaid, as after a refund) or `grace` (access goes on
 * for the grace days from the dispute, as after a failed payment, then ends unless it is won).
 */
export const DISPUTE_POLICIES = ['end', 'grace'] as const;
export type DisputePolicy = (typeof DISPUTE_POLICIES)[number];

/**
 * The membership a subscription grants while one of its payments is disputed: `next` is what
 * the subscription grants otherwise (`membershipFromSubscription`). An operator's comp and an
 * access already over are left as they are; a dispute that is won or lost is no longer open
 * (`disputedSince` null) and changes nothing here.
 */
export function membershipUnderDispute(
  next: Membership | null,
  disputedSince: Date | null,
  policy: DisputePolicy,
  inputs: BillingInputs,
): Membership | null {
  if (next === null || disputedSince === null) return next;
  if (next.status === 'comped' || next.status === 'expired' || next.status === 'trialing') return next;
  const ended: Membership = {
    ...next,
    status: 'expired',
    cancelAtPeriodEnd: false,
    graceUntil: null,
    endedReason: 'payment_failed',
  };
  if (policy === 'end') return ended;
  const fromDispute = disputedSince.getTime() + inputs.graceDays * DAY_MS;
  // A grace already running (a failed payment) is not extended by the dispute.
  const earlier = next.status === 'past_due' && next.graceUntil ? next.graceUntil.getTime() : fromDispute;
  const graceUntil = new Date(Math.min(fromDispute, earlier));
  if (graceUntil.getTime() <= inputs.now.getTime()) return ended;
  return { ...next, status: 'past_due', graceUntil };
}
