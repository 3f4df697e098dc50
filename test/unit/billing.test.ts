import { describe, expect, it } from 'vitest';
import {
  blocksCheckout,
  canEntitle,
  canStillCharge,
  checkoutTrialEnd,
  governingOf,
  membershipAfterCustomerDeleted,
  membershipFromSubscription,
  replacedByCheckout,
  STRIPE_MIN_TRIAL_SECONDS,
  STRIPE_TRIAL_MARGIN_SECONDS,
  type SubscriptionSnapshot,
  subscriptionsToEnd,
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

  it('canceled with paid time left → canceled until then', () => {
    const m = membershipFromSubscription(sub({ status: 'canceled' }), trial, noMemory, inputs);
    expect(m).toMatchObject({ status: 'canceled', currentPeriodEnd: later(30) });
  });

  it('canceled with the period over → expired', () => {
    const m = membershipFromSubscription(
      sub({ status: 'canceled', currentPeriodEnd: later(-1) }),
      trial,
      noMemory,
      inputs,
    );
    expect(m).toMatchObject({ status: 'expired', endedReason: 'canceled' });
  });

  describe.each(['paused', 'incomplete_expired'])('%s is never entitled', (status) => {
    const paid: Membership = {
      ...trial,
      status: 'active',
      trialEndsAt: later(-20),
      currentPeriodEnd: later(9),
    };
    it('not even while the period runs: expired for a payment that is missing', () => {
      for (const periodEnd of [later(30), later(-1), null]) {
        const m = membershipFromSubscription(
          sub({ status, currentPeriodEnd: periodEnd }),
          paid,
          noMemory,
          inputs,
        );
        expect(m).toMatchObject({
          status: 'expired',
          endedReason: 'payment_failed',
          cancelAtPeriodEnd: false,
        });
        expect(m && entitlementOf(m, NOW)).toMatchObject({ entitled: false, reason: 'payment_failed' });
      }
    });
    it('the reader’s own free trial, still running, is kept until its end and not after', () => {
      const m = membershipFromSubscription(sub({ status }), { ...trial, status: 'active' }, noMemory, inputs);
      expect(m).toMatchObject({ status: 'trialing', trialEndsAt: trial.trialEndsAt, endedReason: null });
      expect(m && entitlementOf(m, new Date(later(10).getTime() - 1000)).entitled).toBe(true);
      expect(m && entitlementOf(m, later(10))).toMatchObject({ entitled: false, reason: 'trial_expired' });
    });
    it('a free trial that ends this second is over', () => {
      const m = membershipFromSubscription(sub({ status }), { ...trial, trialEndsAt: NOW }, noMemory, inputs);
      expect(m?.status).toBe('expired');
    });
    it('a running comp is kept', () => {
      const comped: Membership = { ...paid, status: 'comped', compUntil: later(5) };
      expect(membershipFromSubscription(sub({ status }), comped, noMemory, inputs)?.status).toBe('comped');
    });
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
    expect(membershipAfterCustomerDeleted(comped, NOW, later(3))).toBe(comped);
  });
  it('customer.deleted during a Stripe trial keeps a trial until the Stripe trial would have ended', () => {
    const checkedOut: Membership = {
      ...trial,
      status: 'active',
      plan: 'monthly',
      trialEndsAt: later(1),
      currentPeriodEnd: later(2),
    };
    const m = membershipAfterCustomerDeleted(checkedOut, NOW, later(2));
    expect(m).toMatchObject({ status: 'trialing', trialEndsAt: later(2), endedReason: null });
    expect(entitlementOf(m, new Date(later(2).getTime() - 1000)).entitled).toBe(true);
    expect(entitlementOf(m, later(2))).toMatchObject({ entitled: false, reason: 'trial_expired' });
    // The reader's own free trial, if it ends later, is what is kept.
    expect(
      membershipAfterCustomerDeleted({ ...checkedOut, trialEndsAt: later(4) }, NOW, later(2)),
    ).toMatchObject({ status: 'trialing', trialEndsAt: later(4) });
    // A trial already over (or ending this second) keeps nothing.
    for (const end of [later(-1), NOW, null]) {
      expect(membershipAfterCustomerDeleted({ ...checkedOut, trialEndsAt: later(-5) }, NOW, end).status).toBe(
        'expired',
      );
    }
    // A membership already over (canceled now by an admin, refunded) is not brought back.
    const over: Membership = { ...checkedOut, status: 'expired', endedReason: 'canceled' };
    expect(membershipAfterCustomerDeleted(over, NOW, later(2))).toMatchObject({ status: 'expired' });
    // A reader still on the free trial keeps it, whatever Stripe's trial said.
    expect(membershipAfterCustomerDeleted(trial, NOW, later(3))).toMatchObject({
      status: 'trialing',
      trialEndsAt: later(10),
    });
  });
});

describe('subscriptionsToEnd: one subscription per reader', () => {
  const s = (id: string, status: string, created: number) => ({ id, status, created });
  it('two that can entitle (two Checkouts completed): the older is kept, the newer ended', () => {
    const result = subscriptionsToEnd([s('sub_b', 'trialing', 20), s('sub_a', 'trialing', 10)]);
    expect(result.keep?.id).toBe('sub_a');
    expect(result.end.map((x) => x.id)).toEqual(['sub_b']);
    // Same second: the id decides, so both deliveries agree.
    const tie = subscriptionsToEnd([s('sub_y', 'active', 10), s('sub_x', 'trialing', 10)]);
    expect(tie.keep?.id).toBe('sub_x');
    expect(tie.end.map((x) => x.id)).toEqual(['sub_y']);
  });
  it('a stale incomplete (or paused, unpaid) one beside one that entitles is ended, even if newer or older', () => {
    const result = subscriptionsToEnd([
      s('sub_old', 'incomplete', 5),
      s('sub_new', 'active', 10),
      s('sub_p', 'paused', 1),
      s('sub_u', 'unpaid', 2),
    ]);
    expect(result.keep?.id).toBe('sub_new');
    expect(result.end.map((x) => x.id).sort()).toEqual(['sub_old', 'sub_p', 'sub_u']);
  });
  it('ended ones are left alone; alone, or without one that entitles, nothing is ended', () => {
    expect(
      subscriptionsToEnd([s('a', 'active', 1), s('b', 'canceled', 2), s('c', 'incomplete_expired', 3)]).end,
    ).toEqual([]);
    expect(subscriptionsToEnd([s('a', 'incomplete', 1), s('b', 'incomplete', 2)])).toEqual({
      keep: null,
      end: [],
    });
    expect(subscriptionsToEnd([])).toEqual({ keep: null, end: [] });
  });
});

describe('governingOf: the subscription a membership follows', () => {
  const s = (id: string, status: string, created: number) => ({ id, status, created });
  const STATUSES = 'trialing active past_due unpaid paused incomplete incomplete_expired canceled'.split(' ');
  it('is the one subscriptionsToEnd keeps when either can entitle, else the newer; in either order', () => {
    for (const x of STATUSES) {
      for (const y of STATUSES) {
        const older = s('sub_old', x, 10);
        const newer = s('sub_new', y, 20);
        const kept = subscriptionsToEnd([older, newer]).keep;
        const expected = kept?.id ?? 'sub_new';
        expect(governingOf(older, newer).id, `${x} then ${y}`).toBe(expected);
        expect(governingOf(newer, older).id, `${y} then ${x}`).toBe(expected);
      }
    }
  });
  it('a duplicate still live never takes over from the one kept; a new subscription replaces an ended one', () => {
    expect(governingOf(s('sub_a', 'trialing', 10), s('sub_b', 'trialing', 20)).id).toBe('sub_a');
    expect(governingOf(s('sub_a', 'canceled', 10), s('sub_b', 'active', 20)).id).toBe('sub_b');
    expect(governingOf(s('sub_a', 'canceled', 10), s('sub_b', 'incomplete', 20)).id).toBe('sub_b');
    // Same second: the id decides, whichever is given first.
    expect(governingOf(s('sub_y', 'canceled', 10), s('sub_x', 'canceled', 10)).id).toBe('sub_y');
    expect(governingOf(s('sub_x', 'canceled', 10), s('sub_y', 'canceled', 10)).id).toBe('sub_y');
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
  it('every status that can still charge blocks a new Checkout, except incomplete and paused, which it replaces', () => {
    for (const status of ['trialing', 'active', 'past_due', 'unpaid']) {
      expect(blocksCheckout(status)).toBe(true);
      expect(replacedByCheckout(status)).toBe(false);
    }
    for (const status of ['incomplete', 'paused']) {
      expect(blocksCheckout(status)).toBe(false);
      expect(replacedByCheckout(status)).toBe(true);
    }
    for (const status of ['incomplete_expired', 'canceled', 'new_status']) {
      expect(blocksCheckout(status)).toBe(false);
      expect(replacedByCheckout(status)).toBe(false);
    }
  });
});
