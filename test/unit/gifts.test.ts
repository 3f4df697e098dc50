import { describe, expect, it } from 'vitest';
import {
  addMonths,
  giftAmount,
  giftMembership,
  giftStart,
  isGiftMonths,
  redeemRefusal,
  refundedGiftEnd,
} from '../../src/domain/gifts';
import { entitlementOf, type Membership } from '../../src/domain/membership';

const NOW = new Date('2026-12-03T10:00:00Z');
const base: Membership = {
  status: 'trialing',
  plan: null,
  trialEndsAt: new Date('2026-12-10T10:00:00Z'),
  currentPeriodEnd: null,
  cancelAtPeriodEnd: false,
  graceUntil: null,
  compUntil: null,
  endedReason: null,
};

describe('gift rules', () => {
  it('sells 1, 3 and 12 months only', () => {
    expect([1, 3, 12].every(isGiftMonths)).toBe(true);
    expect([0, 2, 6, 24, -1].some(isGiftMonths)).toBe(false);
  });
  it('prices months at the monthly price and a year at the annual price', () => {
    const prices = { monthly: 899, annual: 8900 };
    expect(giftAmount(1, prices)).toBe(899);
    expect(giftAmount(3, prices)).toBe(2697);
    expect(giftAmount(12, prices)).toBe(8900);
  });
  it('adds calendar months in UTC, clamping the day', () => {
    expect(addMonths(new Date('2026-01-31T08:30:00Z'), 1).toISOString()).toBe('2026-02-28T08:30:00.000Z');
    expect(addMonths(new Date('2028-01-31T00:00:00Z'), 1).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(addMonths(new Date('2026-11-15T00:00:00Z'), 3).toISOString()).toBe('2027-02-15T00:00:00.000Z');
    expect(addMonths(new Date('2026-12-03T10:00:00Z'), 12).toISOString()).toBe('2027-12-03T10:00:00.000Z');
  });
  it('starts after a running trial or gift, else now', () => {
    expect(giftStart(base, NOW)).toEqual(base.trialEndsAt);
    expect(giftStart({ ...base, trialEndsAt: new Date('2026-12-01T00:00:00Z') }, NOW)).toEqual(NOW);
    const comp = new Date('2027-01-01T00:00:00Z');
    expect(giftStart({ ...base, status: 'comped', compUntil: comp }, NOW)).toEqual(comp);
    expect(giftStart({ ...base, status: 'expired', trialEndsAt: null }, NOW)).toEqual(NOW);
    expect(giftStart(null, NOW)).toEqual(NOW);
  });
  it('refuses a paying subscriber and a deleted reader', () => {
    const alive = { deletedAt: null };
    for (const status of ['active', 'past_due', 'canceled'] as const) {
      expect(redeemRefusal(alive, { ...base, status })).toBe('pays_through_stripe');
    }
    for (const status of ['trialing', 'expired', 'comped'] as const) {
      expect(redeemRefusal(alive, { ...base, status })).toBeNull();
    }
    expect(redeemRefusal({ deletedAt: NOW }, base)).toBe('deleted');
  });
  it('gives a gift membership whose entitlement kind is gift, until its end', () => {
    const end = new Date('2027-03-10T10:00:00Z');
    const m = giftMembership(base, end);
    expect(m).toMatchObject({ status: 'comped', compUntil: end, gift: true, trialEndsAt: base.trialEndsAt });
    expect(entitlementOf(m, NOW)).toEqual({ entitled: true, kind: 'gift', reason: null, until: end });
    expect(entitlementOf(m, end).entitled).toBe(false);
    expect(entitlementOf({ ...m, gift: false }, NOW).kind).toBe('comp');
  });
});

describe('refundedGiftEnd', () => {
  const now = new Date('2026-12-03T12:00:00Z');
  it("takes the gift's months off its end: what the reader had before it stays", () => {
    expect(refundedGiftEnd(new Date('2027-03-17T12:00:00Z'), 3, now)).toEqual(
      new Date('2026-12-17T12:00:00Z'),
    );
  });
  it('never ends before now: a gift that was all the reader had ends at once', () => {
    expect(refundedGiftEnd(new Date('2027-01-03T12:00:00Z'), 1, now)).toEqual(now);
    expect(refundedGiftEnd(new Date('2026-12-20T00:00:00Z'), 12, now)).toEqual(now);
  });
  it('follows calendar months with the day clamped, as redemption added them', () => {
    expect(refundedGiftEnd(new Date('2027-05-31T00:00:00Z'), 3, now)).toEqual(
      new Date('2027-02-28T00:00:00Z'),
    );
  });
});
