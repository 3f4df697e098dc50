/** `membershipUnderDispute`: what an open card dispute does to the membership a subscription grants. */
import { describe, expect, it } from 'vitest';
import { DISPUTE_POLICIES, membershipUnderDispute } from '../../src/domain/billing';
import { entitlementOf, type Membership } from '../../src/domain/membership';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY);
const inputs = { now: NOW, graceDays: 7 };

const active: Membership = {
  status: 'active',
  plan: 'monthly',
  trialEndsAt: null,
  currentPeriodEnd: at(30),
  cancelAtPeriodEnd: false,
  graceUntil: null,
  compUntil: null,
  endedReason: null,
};

describe('membershipUnderDispute', () => {
  it('changes nothing without an open dispute, or without a membership to change', () => {
    for (const policy of DISPUTE_POLICIES) {
      expect(membershipUnderDispute(active, null, policy, inputs)).toBe(active);
      expect(membershipUnderDispute(null, at(-1), policy, inputs)).toBeNull();
    }
  });

  it('policy end: access ends at once, as an unpaid period (payment_failed)', () => {
    const m = membershipUnderDispute(active, at(-1), 'end', inputs);
    expect(m).toMatchObject({ status: 'expired', endedReason: 'payment_failed', cancelAtPeriodEnd: false });
    expect(m && entitlementOf(m, NOW)).toMatchObject({ entitled: false, reason: 'payment_failed' });
    const ending = { ...active, status: 'canceled' as const, cancelAtPeriodEnd: true };
    expect(membershipUnderDispute(ending, at(-1), 'end', inputs)?.status).toBe('expired');
  });

  it('policy grace: past due until the grace days from the dispute, then ended', () => {
    const m = membershipUnderDispute(active, at(-2), 'grace', inputs);
    expect(m).toMatchObject({ status: 'past_due', graceUntil: at(5) });
    expect(m && entitlementOf(m, NOW).entitled).toBe(true);
    expect(m && entitlementOf(m, at(5)).entitled).toBe(false);
    expect(membershipUnderDispute(active, at(-7), 'grace', inputs)).toMatchObject({
      status: 'expired',
      endedReason: 'payment_failed',
    });
  });

  it('policy grace: a grace already running from a failed payment is not extended', () => {
    const failing = { ...active, status: 'past_due' as const, graceUntil: at(1) };
    expect(membershipUnderDispute(failing, at(0), 'grace', inputs)?.graceUntil).toEqual(at(1));
    const later = { ...active, status: 'past_due' as const, graceUntil: at(20) };
    expect(membershipUnderDispute(later, at(0), 'grace', inputs)?.graceUntil).toEqual(at(7));
  });

  it('leaves an operator comp, a running free trial and an ended membership as they are', () => {
    const comped = { ...active, status: 'comped' as const, compUntil: at(60) };
    const trialing = { ...active, status: 'trialing' as const, trialEndsAt: at(3) };
    const expired = { ...active, status: 'expired' as const, endedReason: 'canceled' as const };
    for (const policy of DISPUTE_POLICIES) {
      for (const m of [comped, trialing, expired])
        expect(membershipUnderDispute(m, at(-1), policy, inputs)).toBe(m);
    }
  });
});
