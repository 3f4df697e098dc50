import { describe, expect, it } from 'vitest';
import { MEMBERSHIP_STATUSES, type Membership, readerEntitlement } from '../../src/domain/membership';
import {
  inviteRefusal,
  joinRefusal,
  membershipOnJoin,
  seatQuantity,
  subscribes,
} from '../../src/domain/seats';

const NOW = new Date('2026-12-03T10:00:00Z');
const LATER = new Date('2027-01-03T10:00:00Z');
const EARLIER = new Date('2026-11-03T10:00:00Z');
const base: Membership = {
  status: 'active',
  plan: 'monthly',
  trialEndsAt: null,
  currentPeriodEnd: LATER,
  cancelAtPeriodEnd: false,
  graceUntil: null,
  compUntil: null,
  endedReason: null,
};
const m = (over: Partial<Membership>): Membership => ({ ...base, ...over });
const reader = { deletedAt: null, createdAt: EARLIER, emailVerifiedAt: EARLIER };

describe('seat rules', () => {
  it('bills the owner and every seat', () => {
    expect([0, 1, 4].map(seatQuantity)).toEqual([1, 2, 5]);
  });

  it('gives seats only with a live Stripe subscription', () => {
    for (const status of MEMBERSHIP_STATUSES) {
      const live = subscribes({ membership: m({ status }), subscriptionId: 'sub_1' });
      expect(live, status).toBe(status === 'active' || status === 'past_due' || status === 'trialing');
      expect(subscribes({ membership: m({ status }), subscriptionId: null }), status).toBe(false);
    }
    expect(subscribes({ membership: null, subscriptionId: 'sub_1' })).toBe(false);
  });

  it('refuses invitations for each reason, in order', () => {
    const owner = { membership: base, subscriptionId: 'sub_1', email: 'o@example.com', holdsSeat: false };
    const input = { email: 'x@example.com', seatsUsed: 1, limit: 5 };
    expect(inviteRefusal(owner, input)).toBeNull();
    expect(inviteRefusal(owner, { ...input, limit: 1 })).toBe('seats_off');
    expect(inviteRefusal({ ...owner, holdsSeat: true }, input)).toBe('member');
    expect(inviteRefusal(owner, { ...input, email: 'o@example.com' })).toBe('self');
    expect(inviteRefusal({ ...owner, subscriptionId: null }, input)).toBe('no_subscription');
    expect(inviteRefusal({ ...owner, membership: m({ status: 'comped' }) }, input)).toBe('no_subscription');
    expect(inviteRefusal({ ...owner, membership: m({ cancelAtPeriodEnd: true }) }, input)).toBe('ending');
    expect(inviteRefusal(owner, { ...input, seatsUsed: 3 })).toBeNull();
    expect(inviteRefusal(owner, { ...input, seatsUsed: 4 })).toBe('full');
  });

  it('lets only the invited address take an open seat, once, when it pays nothing of its own', () => {
    const seat = { email: 'kid@example.com', memberReaderId: null, expiresAt: LATER };
    const kid = {
      email: 'kid@example.com',
      membership: m({ status: 'trialing', trialEndsAt: LATER }),
      subscriptionId: null,
      ownsSeats: false,
      holdsSeat: false,
    };
    expect(joinRefusal(seat, kid, NOW)).toBeNull();
    expect(joinRefusal({ ...seat, memberReaderId: 'rdr_x' }, kid, NOW)).toBe('taken');
    expect(joinRefusal({ ...seat, expiresAt: NOW }, kid, NOW)).toBe('expired');
    expect(joinRefusal(seat, { ...kid, email: 'other@example.com' }, NOW)).toBe('other_address');
    expect(joinRefusal(seat, { ...kid, holdsSeat: true }, NOW)).toBe('seated');
    expect(joinRefusal(seat, { ...kid, ownsSeats: true }, NOW)).toBe('owns_seats');
    expect(joinRefusal(seat, { ...kid, membership: base }, NOW)).toBe('pays_through_stripe');
    // Checked out during the trial: a Stripe trial is a subscription of one's own too.
    expect(joinRefusal(seat, { ...kid, subscriptionId: 'sub_2' }, NOW)).toBe('pays_through_stripe');
  });

  it('spends a running free trial on joining, keeps what was given', () => {
    const trial = m({ status: 'trialing', plan: null, trialEndsAt: LATER, currentPeriodEnd: null });
    expect(membershipOnJoin(trial, NOW)).toEqual({
      ...trial,
      status: 'expired',
      trialEndsAt: NOW,
      endedReason: 'trial_expired',
    });
    const over = m({ status: 'trialing', trialEndsAt: EARLIER });
    expect(membershipOnJoin(over, NOW)).toBe(over);
    const gift = m({ status: 'comped', compUntil: LATER });
    expect(membershipOnJoin(gift, NOW)).toBe(gift);
    expect(membershipOnJoin(null, NOW)).toBeNull();
  });
});

describe('entitlement through a seat', () => {
  const expired = m({ status: 'expired', endedReason: 'trial_expired', currentPeriodEnd: null });
  it('is the owner’s while the member’s own grants nothing', () => {
    expect(readerEntitlement(reader, expired, NOW, base)).toMatchObject({ entitled: true, kind: 'paid' });
    expect(readerEntitlement(reader, null, NOW, m({ status: 'past_due', graceUntil: LATER }))).toMatchObject({
      entitled: true,
      kind: 'grace',
    });
  });
  it('ends with the owner’s, with the member’s own reason', () => {
    const ownerOver = m({ status: 'canceled', currentPeriodEnd: EARLIER });
    expect(readerEntitlement(reader, expired, NOW, ownerOver)).toMatchObject({
      entitled: false,
      reason: 'trial_expired',
    });
    expect(readerEntitlement(reader, null, NOW, ownerOver)).toMatchObject({
      entitled: false,
      reason: 'no_membership',
    });
  });
  it('never outweighs the member’s own entitlement or a deleted account', () => {
    const gift = m({ status: 'comped', compUntil: LATER });
    expect(readerEntitlement(reader, gift, NOW, base)).toMatchObject({ kind: 'comp' });
    expect(readerEntitlement({ ...reader, deletedAt: NOW }, null, NOW, base)).toMatchObject({
      reason: 'deleted',
    });
  });
  it('holds the member’s own day-one rule on an owner’s trial', () => {
    const fresh = { deletedAt: null, createdAt: EARLIER, emailVerifiedAt: null };
    const ownerTrial = m({ status: 'trialing', trialEndsAt: LATER });
    expect(readerEntitlement(fresh, null, NOW, ownerTrial)).toMatchObject({
      entitled: false,
      reason: 'email_unverified',
    });
  });
});
