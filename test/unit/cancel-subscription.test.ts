/** Who is offered the portal's cancellation flow: `canCancelSubscription`, every status both ways. */
import { describe, expect, it } from 'vitest';
import { canCancelSubscription, MEMBERSHIP_STATUSES } from '../../src/domain/membership';

describe('canCancelSubscription', () => {
  const cancellable = new Set(['trialing', 'active', 'past_due']);
  for (const status of MEMBERSHIP_STATUSES) {
    it(`${status}: ${cancellable.has(status) ? 'offered' : 'not offered'} with a subscription`, () => {
      expect(canCancelSubscription({ status, cancelAtPeriodEnd: false, stripeSubscriptionId: 'sub_1' })).toBe(
        cancellable.has(status),
      );
      // Already set to end, or no subscription at Stripe (a free trial): never offered.
      expect(canCancelSubscription({ status, cancelAtPeriodEnd: true, stripeSubscriptionId: 'sub_1' })).toBe(
        false,
      );
      expect(canCancelSubscription({ status, cancelAtPeriodEnd: false, stripeSubscriptionId: null })).toBe(
        false,
      );
    });
  }
  it('no membership: not offered', () => {
    expect(canCancelSubscription(null)).toBe(false);
  });
});
