/** The decision about one Stripe event from its handler's change alone: unmatched, unchanged or applied. */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { type MembershipRow, toMembership } from '../../src/db/memberships';
import type { Membership } from '../../src/domain/membership';
import { decide } from '../../src/features/billing/webhook/decide';
import type { Change } from '../../src/features/billing/webhook/handlers';

const at = (iso: string) => new Date(iso);
const now = at('2026-12-07T10:00:00Z');
const event = {
  id: 'evt_1',
  type: 'customer.subscription.updated',
  created: 1_796_000_000,
} as unknown as Stripe.Event;

const row: MembershipRow = {
  readerId: 'rdr_aaaaaaaaaaaaaaaaaaaa',
  status: 'active',
  plan: 'monthly',
  trialEndsAt: null,
  currentPeriodEnd: at('2027-01-07T10:00:00Z'),
  cancelAtPeriodEnd: false,
  graceUntil: null,
  compUntil: null,
  compReason: null,
  endedReason: null,
  stripeCustomerId: 'cus_1',
  stripeSubscriptionId: 'sub_1',
  refundedThrough: null,
  version: 3,
  lastEventId: 'evt_0',
  createdAt: at('2026-11-01T00:00:00Z'),
  updatedAt: at('2026-12-01T00:00:00Z'),
};
const current = toMembership(row) as Membership;
const target = { row, email: 'reader@example.com' };
const outcome = (change: Change) => decide(event, change, 'webhook', now).outcome;

describe('decide', () => {
  it('is unmatched without a membership, and records no reader', () => {
    const decision = decide(event, { target: null, next: null }, 'webhook', now);
    expect(decision).toEqual({
      outcome: 'unmatched',
      before: null,
      record: {
        id: 'evt_1',
        type: 'customer.subscription.updated',
        stripeCreatedAt: new Date(1_796_000_000 * 1000),
        readerId: null,
        outcome: 'unmatched',
        statusBefore: null,
        statusAfter: null,
        source: 'webhook',
        processedAt: now,
      },
    });
  });

  it('is unchanged when the next membership writes the same columns, times compared by instant', () => {
    expect(outcome({ target, next: null })).toBe('unchanged');
    expect(outcome({ target, next: { ...current } })).toBe('unchanged');
    // Another Date object for the same instant is the same column value.
    expect(outcome({ target, next: { ...current, currentPeriodEnd: at('2027-01-07T10:00:00.000Z') } })).toBe(
      'unchanged',
    );
    // The gift mark is not a column: it changes nothing written.
    expect(outcome({ target, next: { ...current, gift: true } })).toBe('unchanged');
    expect(outcome({ target, next: null, links: { stripeCustomerId: 'cus_1' } })).toBe('unchanged');
  });

  it('is applied when any column differs', () => {
    const changed: Partial<Membership>[] = [
      { status: 'past_due' },
      { plan: 'annual' },
      { plan: null },
      { trialEndsAt: at('2026-12-20T00:00:00Z') },
      { currentPeriodEnd: at('2027-01-07T10:00:01Z') },
      { currentPeriodEnd: null },
      { cancelAtPeriodEnd: true },
      { graceUntil: at('2026-12-10T00:00:00Z') },
      { compUntil: at('2027-06-01T00:00:00Z') },
      { endedReason: 'canceled' },
    ];
    for (const difference of changed) {
      expect(outcome({ target, next: { ...current, ...difference } }), JSON.stringify(difference)).toBe(
        'applied',
      );
    }
  });

  it('is applied when a Stripe link the row holds changes, with before and after statuses recorded', () => {
    expect(outcome({ target, next: null, links: { stripeSubscriptionId: 'sub_2' } })).toBe('applied');
    expect(outcome({ target, next: null, links: { stripeCustomerId: null } })).toBe('applied');
    expect(outcome({ target, next: null, links: { refundedThrough: at('2027-01-07T10:00:00Z') } })).toBe(
      'applied',
    );
    const decision = decide(event, { target, next: { ...current, status: 'canceled' } }, 'reconcile', now);
    expect(decision.before).toBe(row);
    expect(decision.record).toMatchObject({
      readerId: row.readerId,
      outcome: 'applied',
      statusBefore: 'active',
      statusAfter: 'canceled',
      source: 'reconcile',
    });
  });
});
