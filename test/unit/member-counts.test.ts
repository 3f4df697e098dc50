/** @module Members by effective status from running counts, against the row-by-row rule. */
import { describe, expect, it } from 'vitest';
import { effectiveCounts } from '../../src/domain/member-counts';
import { MEMBERSHIP_STATUSES, type MembershipStatus } from '../../src/domain/membership';
import { mulberry32 } from '../node/seeded-random';

describe('effectiveCounts', () => {
  it('moves the lapsed trials, last periods and comps to expired and keeps every other status', () => {
    expect(
      effectiveCounts(
        { trialing: 10, active: 5, past_due: 2, canceled: 4, expired: 7, comped: 3 },
        { trialing: 6, canceled: 1, comped: 3 },
      ),
    ).toEqual({ trialing: 6, active: 5, past_due: 2, canceled: 1, expired: 7 + 4 + 3 + 0, comped: 3 });
  });

  it('lists every status, with zeros for those never counted', () => {
    expect(effectiveCounts({}, { trialing: 0, canceled: 0, comped: 0 })).toEqual(
      Object.fromEntries(MEMBERSHIP_STATUSES.map((s) => [s, 0])),
    );
  });

  it('agrees with the row-by-row definition (effectiveStatusSql), for random memberships', () => {
    // The definition, as docs/OPERATIONS.md states it: a trial, a canceled period or a comp whose
    // end is not after now (or missing) counts as expired; every other status as stored.
    const ends = { trialing: 'trialEndsAt', canceled: 'currentPeriodEnd', comped: 'compUntil' } as const;
    const random = mulberry32(16);
    const now = Date.parse('2026-12-04T12:00:00Z');
    for (let round = 0; round < 200; round++) {
      const truth = Object.fromEntries(MEMBERSHIP_STATUSES.map((s) => [s, 0])) as Record<
        MembershipStatus,
        number
      >;
      const stored: Partial<Record<MembershipStatus, number>> = {};
      const open = { trialing: 0, canceled: 0, comped: 0 };
      for (let i = 0; i < 30; i++) {
        const status = MEMBERSHIP_STATUSES[
          Math.floor(random() * MEMBERSHIP_STATUSES.length)
        ] as MembershipStatus;
        const at = () => (random() < 0.15 ? null : now + Math.round((random() - 0.5) * 40 * 86_400_000));
        const row = { trialEndsAt: at(), currentPeriodEnd: at(), compUntil: at() };
        stored[status] = (stored[status] ?? 0) + 1;
        const end = status in ends ? row[ends[status as keyof typeof ends]] : undefined;
        const lapsed = end !== undefined && (end ?? 0) <= now;
        truth[lapsed ? 'expired' : status]++;
        if (end !== undefined && !lapsed) open[status as keyof typeof ends]++;
      }
      expect(effectiveCounts(stored, open)).toEqual(truth);
    }
  });
});
