import { describe, expect, it } from 'vitest';
import {
  canEntitle,
  canStillCharge,
  checkoutTrialEnd,
  membershipAfterCustomerDeleted,
  membershipFromSubscription,
  STRIPE_MIN_TRIAL_SECONDS,
  STRIPE_TRIAL_MARGIN_SECONDS,
  type SubscriptionSnapshot,
} from '../../src/domain/billing';
import { entitlementOf, type Membership } from '../../src/domain/membership';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const later = (days: number) => new Date(NOW.getTime() + days * DAY);

const trial: Membership = {
  status: 'trialing',
  plan: null,
  trialEndsAt: later(10),
  currentPeriodEnd: null,
  cancelAtPeriodEnd: false,
  graceUntil: null,
  compUntil: null,
  endedReason: null,
};

function sub(overrides: Partial<SubscriptionSnapshot>): SubscriptionSnapshot {
  return {
    id: 'sub_1',
    customerId: 'cus_1',
    status: 'active',
    cancelAtPeriodEnd: false,
    cancelAt: null,
    currentPeriodEnd: later(30),
    endedAt: null,
    plan: 'monthly',
    ...overrides,
  };
}

const noMemory = { refundedThrough: null };
const inputs = { now: NOW, graceDays: 7 };

describe('membershipFromSubscription: every Stripe status', () => {
  it.each(['trialing', 'active'])('%s → active until the period end', (status) => {
    const m = membershipFromSubscription(sub({ status }), trial, noMemory, inputs);
    expect(m).toMatchObject({
      status: 'active',
      plan: 'monthly',
      currentPeriodEnd: later(30),
      trialEndsAt: trial.trialEndsAt,
    });
    expect(m && entitlementOf(m, later(29)).entitled).toBe(true);
  });

  it('cancel_at_period_end → canceled, entitled until the period end and not after', () => {
    const m = membershipFromSubscription(sub({ cancelAtPeriodEnd: true }), trial, noMemory, inputs);
    expect(m).toMatchObject({ status: 'canceled', cancelAtPeriodEnd: true, currentPeriodEnd: later(30) });
    expect(m && entitlementOf(m, new Date(later(30).getTime() - 1000)).entitled).toBe(true);
    expect(m && entitlementOf(m, later(30)).entitled).toBe(false);
  });

  it('a cancel_at before the period end ends the entitlement then', () => {
    const m = membershipFromSubscription(sub({ cancelAt: later(5) }), trial, noMemory, inputs);
    expect(m).toMatchObject({ status: 'canceled', currentPeriodEnd: later(5) });
  });

  it('past_due → grace from the first failure for GRACE_DAYS; a second failure does not extend it', () => {
    const failedAt = later(-1);
    const first = membershipFromSubscription(sub({ status: 'past_due' }), trial, noMemory, {
      ...inputs,
      failedAt,
    });
    expect(first).toMatchObject({ status: 'past_due', graceUntil: later(6) });
    if (!first) throw new Error('expected a membership');
    const second = membershipFromSubscription(sub({ status: 'past_due' }), first, noMemory, {
      ...inputs,
      now: later(3),
    });
    expect(second?.graceUntil).toEqual(later(6));
    expect(second && entitlementOf(second, later(5)).entitled).toBe(true);
    expect(second && entitlementOf(second, later(6)).entitled).toBe(false);
  });

  it('canceled with ended_at → expired at once', () => {
    const m = membershipFromSubscription(sub({ status: 'canceled', endedAt: NOW }), trial, noMemory, inputs);
    expect(m).toMatchObject({ status: 'expired', endedReason: 'canceled' });
  });

  it.each(['canceled', 'paused', 'incomplete_expired'])(
    '%s with paid time left → canceled until then',
    (status) => {
      const m = membershipFromSubscription(sub({ status }), trial, noMemory, inputs);
      expect(m).toMatchObject({ status: 'canceled', currentPeriodEnd: later(30) });
    },
  );

  it.each(['canceled', 'paused', 'incomplete_expired'])('%s with the period over → expired', (status) => {
    const m = membershipFromSubscription(
      sub({ status, currentPeriodEnd: later(-1) }),
      trial,
      noMemory,
      inputs,
    );
    expect(m).toMatchObject({ status: 'expired', endedReason: 'canceled' });
  });

  it('unpaid → expired for a failed payment', () => {
    const m = membershipFromSubscription(sub({ status: 'unpaid' }), trial, noMemory, inputs);
    expect(m).toMatchObject({ status: 'expired', endedReason: 'payment_failed' });
    expect(m && entitlementOf(m, NOW).reason).toBe('payment_failed');
  });

  it('incomplete and unknown statuses change nothing', () => {
    expect(membershipFromSubscription(sub({ status: 'incomplete' }), trial, noMemory, inputs)).toBeNull();
    expect(membershipFromSubscription(sub({ status: 'something_new' }), trial, noMemory, inputs)).toBeNull();
  });

  it('a refunded period grants nothing even while Stripe still calls it active; the next paid period does', () => {
    const memory = { refundedThrough: later(30) };
    expect(membershipFromSubscription(sub({}), trial, memory, inputs)?.status).toBe('expired');
    expect(membershipFromSubscription(sub({ status: 'past_due' }), trial, memory, inputs)?.status).toBe(
      'expired',
    );
    expect(
      membershipFromSubscription(sub({ currentPeriodEnd: later(60) }), trial, memory, inputs)?.status,
    ).toBe('active');
  });

  it('a running comp is kept through billing changes', () => {
    const comped: Membership = { ...trial, status: 'comped', compUntil: later(90) };
    expect(
      membershipFromSubscription(sub({ status: 'canceled', endedAt: NOW }), comped, noMemory, inputs)?.status,
    ).toBe('comped');
  });
});

describe('single-event transitions', () => {
  const pastDue: Membership = {
    ...trial,
    status: 'past_due',
    graceUntil: later(3),
    currentPeriodEnd: later(20),
  };
  it('a paid invoice (the subscription active again) clears grace', () => {
    const paid = membershipFromSubscription(sub({ status: 'active' }), pastDue, noMemory, inputs);
    expect(paid).toMatchObject({ status: 'active', graceUntil: null, endedReason: null });
  });
  it('a full refund of the current period ends the entitlement at once', () => {
    const active: Membership = { ...pastDue, status: 'active', graceUntil: null };
    const refunded = membershipFromSubscription(
      sub({ status: 'active', currentPeriodEnd: later(20) }),
      active,
      { refundedThrough: later(20) },
      inputs,
    );
    expect(refunded && entitlementOf(refunded, NOW)).toMatchObject({ entitled: false, reason: 'canceled' });
    // A refund of an earlier period leaves the current one paid.
    const older = membershipFromSubscription(
      sub({ status: 'active', currentPeriodEnd: later(20) }),
      active,
      { refundedThrough: later(-10) },
      inputs,
    );
    expect(older?.status).toBe('active');
  });
  it('customer.deleted ends paid access but not a free trial or a comp', () => {
    expect(membershipAfterCustomerDeleted({ ...pastDue, status: 'active' }, NOW).status).toBe('expired');
    expect(membershipAfterCustomerDeleted(trial, NOW)).toBe(trial);
    const comped: Membership = { ...trial, status: 'comped', compUntil: later(5) };
    expect(membershipAfterCustomerDeleted(comped, NOW)).toBe(comped);
  });
});

describe('checkoutTrialEnd: no charge before the free trial would have ended', () => {
  it('carries the rest of the free trial into Stripe when more than 48 hours are left', () => {
    expect(checkoutTrialEnd(trial, NOW)).toEqual(trial.trialEndsAt);
  });
  it('with 48 hours or less left, sets the Stripe trial 48 hours and a margin ahead: never a charge before the trial ends', () => {
    const minimum = (STRIPE_MIN_TRIAL_SECONDS + STRIPE_TRIAL_MARGIN_SECONDS) * 1000;
    for (const hoursLeft of [0.01, 1, 30, 47.9, 48, 48.1]) {
      const trialEndsAt = new Date(NOW.getTime() + hoursLeft * 3600_000);
      const end = checkoutTrialEnd({ ...trial, trialEndsAt }, NOW);
      expect(end, `${hoursLeft} h left`).not.toBeNull();
      // Stripe accepts it (at least 48 h ahead), and it is not before the free trial's end.
      expect((end?.getTime() ?? 0) - NOW.getTime()).toBeGreaterThanOrEqual(minimum);
      expect(end?.getTime() ?? 0).toBeGreaterThanOrEqual(trialEndsAt.getTime());
      expect((end?.getTime() ?? 0) % 1000).toBe(0);
    }
  });
  it('has no Stripe trial after the trial, or outside one', () => {
    expect(checkoutTrialEnd({ ...trial, trialEndsAt: later(-1) }, NOW)).toBeNull();
    expect(checkoutTrialEnd({ ...trial, trialEndsAt: NOW }, NOW)).toBeNull();
    expect(checkoutTrialEnd({ ...trial, status: 'expired' }, NOW)).toBeNull();
  });
});

describe('Stripe subscription statuses', () => {
  it('only trialing, active and past_due can entitle', () => {
    for (const status of ['trialing', 'active', 'past_due']) expect(canEntitle(status)).toBe(true);
    for (const status of ['unpaid', 'paused', 'incomplete', 'incomplete_expired', 'canceled', 'new_status']) {
      expect(canEntitle(status)).toBe(false);
    }
  });
  it('every status but the ended ones can still charge', () => {
    for (const status of ['trialing', 'active', 'past_due', 'unpaid', 'paused', 'incomplete']) {
      expect(canStillCharge(status)).toBe(true);
    }
    for (const status of ['incomplete_expired', 'canceled']) expect(canStillCharge(status)).toBe(false);
  });
});
