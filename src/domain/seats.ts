/** @module Family and group seats: who may invite, who may take a seat, and what the subscription is billed for. Pure rules. */
import { type Membership, paysThroughStripe } from './membership';

/** An invitation link works this long. */
export const SEAT_INVITE_DAYS = 7;

/** What the owner's subscription is billed for: the owner and every seat, taken or invited. */
export function seatQuantity(seats: number): number {
  return 1 + seats;
}

/** What the owner's side of a seat needs of their membership. */
export interface SeatOwner {
  membership: Membership | null;
  /** The Stripe subscription that pays for the seats, if any. */
  subscriptionId: string | null;
}

export type InviteRefusal = 'seats_off' | 'no_subscription' | 'ending' | 'full' | 'self' | 'member';

/**
 * Why this owner cannot invite `email` now, or null. Seats come with a Stripe subscription that
 * goes on (trialing or paid, not set to end), up to `limit` people with the owner; a seat member
 * cannot hand on seats of their own.
 */
export function inviteRefusal(
  owner: SeatOwner & { email: string; holdsSeat: boolean },
  input: { email: string; seatsUsed: number; limit: number },
): InviteRefusal | null {
  if (input.limit <= 1) return 'seats_off';
  if (owner.holdsSeat) return 'member';
  if (input.email === owner.email) return 'self';
  if (!subscribes(owner)) return 'no_subscription';
  if (owner.membership?.cancelAtPeriodEnd || owner.membership?.status === 'canceled') return 'ending';
  if (seatQuantity(input.seatsUsed) >= input.limit) return 'full';
  return null;
}

/** Whether the owner has a live Stripe subscription (trialing in Stripe, paid, or past due). */
export function subscribes(owner: SeatOwner): boolean {
  const status = owner.membership?.status;
  return (
    owner.subscriptionId !== null &&
    (paysThroughStripe(owner.membership) || status === 'trialing') &&
    status !== 'canceled'
  );
}

export type JoinRefusal =
  | 'expired'
  | 'taken'
  | 'other_address'
  | 'pays_through_stripe'
  | 'owns_seats'
  | 'seated';

/**
 * Why this reader cannot take the seat, or null. Only the invited address takes it (the mailed
 * link proves the mailbox); a reader paying a subscription of their own, giving seats, or already
 * in a seat cannot.
 */
export function joinRefusal(
  seat: { email: string; memberReaderId: string | null; expiresAt: Date },
  reader: SeatOwner & { email: string; ownsSeats: boolean; holdsSeat: boolean },
  now: Date,
): JoinRefusal | null {
  if (seat.memberReaderId !== null) return 'taken';
  if (now.getTime() >= seat.expiresAt.getTime()) return 'expired';
  if (reader.email !== seat.email) return 'other_address';
  if (reader.holdsSeat) return 'seated';
  if (reader.ownsSeats) return 'owns_seats';
  if (paysThroughStripe(reader.membership) || subscribes(reader)) return 'pays_through_stripe';
  return null;
}

/**
 * The member's own membership once seated: a free trial still running is spent (the seat takes
 * its place, and leaving gives no second one); anything given or bought (a comp, a gift) stays.
 */
export function membershipOnJoin(membership: Membership | null, now: Date): Membership | null {
  if (membership?.status !== 'trialing') return membership;
  const end = membership.trialEndsAt;
  if (end !== null && end.getTime() <= now.getTime()) return membership;
  return { ...membership, status: 'expired', trialEndsAt: now, endedReason: 'trial_expired' };
}
