/** @module The free trial: when it starts, how long it runs, and the one-per-person rule. */
import type { Membership } from './membership';

export const SECONDS_PER_DAY = 86_400;

/**
 * The membership a new reader starts with. `trialAlreadyUsed` is true when the person's canonical
 * email (see `trialIdentity`) has had a trial before, even on an account since deleted: then the
 * account opens with no entitlement and the reader is offered a subscription instead.
 */
export function initialMembership(now: Date, trialDays: number, trialAlreadyUsed: boolean): Membership {
  const base = {
    plan: null,
    currentPeriodEnd: null,
    cancelAtPeriodEnd: false,
    graceUntil: null,
    compUntil: null,
  };
  if (trialAlreadyUsed) {
    return { ...base, status: 'expired', trialEndsAt: null, endedReason: 'trial_expired' };
  }
  return {
    ...base,
    status: 'trialing',
    trialEndsAt: new Date(now.getTime() + trialDays * SECONDS_PER_DAY * 1000),
    endedReason: null,
  };
}

/**
 * Sets the trial end (admin action). A trial end in the past (or now) ends the trial at once.
 * Only a reader still on the free trial (or whose trial ran out) can have it moved: a paying or
 * comped reader's membership is not a trial.
 */
export function withTrialEnd(membership: Membership, endsAt: Date): Membership | null {
  const onTrial =
    membership.status === 'trialing' ||
    (membership.status === 'expired' && membership.endedReason === 'trial_expired');
  if (!onTrial) return null;
  return { ...membership, status: 'trialing', trialEndsAt: endsAt, endedReason: null };
}
