/**
 * @module Membership state and the entitlement it grants: pure rules, the clock passed in.
 *
 * Every end time is exclusive: a membership that ends at T is entitled at T - 1 s and not at T.
 */
import { epochSeconds } from './time';

export const MEMBERSHIP_STATUSES = [
  'trialing',
  'active',
  'past_due',
  'canceled',
  'expired',
  'comped',
] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

export const PLANS = ['monthly', 'annual'] as const;
export type Plan = (typeof PLANS)[number];

/** Why a reader is not entitled; the `reason` of a 402 `not_entitled`. */
export const DENIAL_REASONS = [
  'trial_expired',
  'canceled',
  'payment_failed',
  'no_membership',
  'deleted',
  'email_unverified',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

/** What an `expired` membership records about how it ended. */
export type EndedReason = Extract<DenialReason, 'trial_expired' | 'canceled' | 'payment_failed'>;

/**
 * A trial on an address nobody has proved is theirs lasts this long from sign-up; then the reader
 * confirms the address (a mailed link or code) to go on. One trial per person costs a mailbox.
 */
export const UNVERIFIED_TRIAL_SECONDS = 24 * 3600;

export interface Membership {
  status: MembershipStatus;
  plan: Plan | null;
  trialEndsAt: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  graceUntil: Date | null;
  compUntil: Date | null;
  endedReason: EndedReason | null;
  /** A complimentary membership that a redeemed gift gave: its token claim says `gift`. */
  gift?: boolean;
}

/** The kinds of entitlement, as carried by the token's `membership` claim. */
export const ENTITLEMENT_KINDS = ['trial', 'paid', 'grace', 'comp', 'meter', 'gift'] as const;
export type EntitlementKind = (typeof ENTITLEMENT_KINDS)[number];

export type Entitlement =
  | { entitled: true; kind: EntitlementKind; reason: null; until: Date | null }
  | { entitled: false; kind: null; reason: DenialReason; until: null };

/**
 * A paid period is honoured this long past its end: Stripe renews at period end and its webhook
 * may arrive minutes (or, during an incident, hours) later; a paying reader must not be locked
 * out meanwhile. A renewal that fails turns the membership `past_due` explicitly.
 */
export const RENEWAL_LEEWAY_SECONDS = 48 * 3600;

function until(kind: EntitlementKind, end: Date | null, now: Date, otherwise: DenialReason): Entitlement {
  if (end === null || now.getTime() < end.getTime())
    return { entitled: true, kind, reason: null, until: end };
  return { entitled: false, kind: null, reason: otherwise, until: null };
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

/** The entitlement a membership grants at `now`. */
export function entitlementOf(membership: Membership | null, now: Date): Entitlement {
  if (membership === null) return { entitled: false, kind: null, reason: 'no_membership', until: null };
  switch (membership.status) {
    case 'trialing':
      // A trial always has an end; a row without one is treated as ended rather than endless.
      return until('trial', membership.trialEndsAt ?? new Date(0), now, 'trial_expired');
    case 'active':
      return until(
        'paid',
        membership.currentPeriodEnd && addSeconds(membership.currentPeriodEnd, RENEWAL_LEEWAY_SECONDS),
        now,
        'canceled',
      );
    case 'past_due':
      return until('grace', membership.graceUntil ?? new Date(0), now, 'payment_failed');
    case 'canceled':
      return until('paid', membership.currentPeriodEnd ?? new Date(0), now, 'canceled');
    case 'comped':
      return until(membership.gift ? 'gift' : 'comp', membership.compUntil ?? new Date(0), now, 'canceled');
    case 'expired':
      return { entitled: false, kind: null, reason: membership.endedReason ?? 'canceled', until: null };
  }
}

/**
 * Whether the member pays through a Stripe subscription now (or until its period ends): such a
 * member manages billing in Stripe's portal, and another checkout would charge twice.
 */
export function paysThroughStripe(membership: Pick<Membership, 'status'> | null): boolean {
  const status = membership?.status;
  return status === 'active' || status === 'past_due' || status === 'canceled';
}

/**
 * Whether the member has a Stripe subscription the reader can still cancel (a Stripe trial, paid or
 * past due, and not already set to end): the account page offers the portal's cancellation flow.
 */
export function canCancelSubscription<
  M extends Pick<Membership, 'status' | 'cancelAtPeriodEnd'> & { stripeSubscriptionId: string | null },
>(membership: M | null): membership is M & { stripeSubscriptionId: string } {
  if (!membership?.stripeSubscriptionId || membership.cancelAtPeriodEnd) return false;
  return (
    membership.status === 'trialing' || membership.status === 'active' || membership.status === 'past_due'
  );
}

/** What the day-one rule needs of a reader. */
export interface ReaderFacts {
  deletedAt: Date | null;
  createdAt: Date;
  emailVerifiedAt: Date | null;
}

/**
 * When an unverified reader's trial stops until the address is confirmed; null when the rule does
 * not apply (a verified address, or an entitlement that is not the free trial).
 */
export function verificationRequiredFrom(reader: ReaderFacts, entitlement: Entitlement): Date | null {
  if (reader.emailVerifiedAt !== null || entitlement.kind !== 'trial') return null;
  return new Date(reader.createdAt.getTime() + UNVERIFIED_TRIAL_SECONDS * 1000);
}

/**
 * A reader's entitlement: a deleted reader has none, whatever the membership row says, and a free
 * trial on an unverified address ends after its first day (until the address is confirmed).
 * `seat` is the membership of the subscription whose seat the reader holds, if any.
 */
export function readerEntitlement(
  reader: ReaderFacts,
  membership: Membership | null,
  now: Date,
  seat: Membership | null = null,
): Entitlement {
  if (reader.deletedAt !== null) return { entitled: false, kind: null, reason: 'deleted', until: null };
  const own = entitlementOf(membership, now);
  // A seat on someone else's subscription: what the owner's membership grants, when the reader's own grants nothing.
  const entitlement = own.entitled || seat === null ? own : seatEntitlement(own, entitlementOf(seat, now));
  const cutoff = verificationRequiredFrom(reader, entitlement);
  if (cutoff === null || !entitlement.entitled) return entitlement;
  if (now.getTime() >= cutoff.getTime())
    return { entitled: false, kind: null, reason: 'email_unverified', until: null };
  const until = entitlement.until === null || entitlement.until > cutoff ? cutoff : entitlement.until;
  return { ...entitlement, until };
}

/**
 * A seat member's entitlement: the owner's (a paid period, its grace, the owner's Stripe trial),
 * else the member's own reason for having none. The day-one rule is the member's own.
 */
function seatEntitlement(own: Entitlement, owner: Entitlement): Entitlement {
  return owner.entitled ? owner : own;
}

/**
 * Token expiry: `min(iat + ttl, entitled_until)`, in epoch seconds. An entitlement without an end
 * (an active subscription whose period Stripe has not told us yet) is bounded by the TTL alone.
 */
export function tokenLifetime(
  entitlement: Extract<Entitlement, { entitled: true }>,
  issuedAt: number,
  ttlSeconds: number,
): { exp: number; entitledUntil: number } {
  const ttlEnd = issuedAt + ttlSeconds;
  if (entitlement.until === null) return { exp: ttlEnd, entitledUntil: ttlEnd };
  const entitledUntil = epochSeconds(entitlement.until);
  return { exp: Math.min(ttlEnd, entitledUntil), entitledUntil };
}

/**
 * The membership with the ends that time alone brings applied: a trial, a canceled period or a comp
 * that has run out reads as `expired`. Stored rows change only on events (webhooks, admin actions);
 * what readers and admins are shown is this view.
 */
export function effectiveMembership(membership: Membership, now: Date): Membership {
  const entitlement = entitlementOf(membership, now);
  if (entitlement.entitled) return membership;
  switch (membership.status) {
    case 'trialing':
      return { ...membership, status: 'expired', endedReason: 'trial_expired' };
    case 'canceled':
    case 'comped':
      return { ...membership, status: 'expired', endedReason: 'canceled' };
    default:
      return membership;
  }
}
