import { describe, expect, it } from 'vitest';
import {
  effectiveMembership,
  entitlementOf,
  type Membership,
  RENEWAL_LEEWAY_SECONDS,
  readerEntitlement,
  tokenLifetime,
  UNVERIFIED_TRIAL_SECONDS,
  verificationRequiredFrom,
} from '../../src/domain/membership';

const T = new Date('2026-12-11T22:50:00Z');
const at = (offsetSeconds: number) => new Date(T.getTime() + offsetSeconds * 1000);
const verified = { deletedAt: null, createdAt: at(-86_400 * 30), emailVerifiedAt: at(-86_400 * 30) };

function membership(overrides: Partial<Membership>): Membership {
  return {
    status: 'trialing',
    plan: null,
    trialEndsAt: null,
    currentPeriodEnd: null,
    cancelAtPeriodEnd: false,
    graceUntil: null,
    compUntil: null,
    endedReason: null,
    ...overrides,
  };
}

describe('entitlementOf: every status, both sides of every boundary second', () => {
  const cases: Array<{
    name: string;
    m: Membership;
    end: Date;
    kind: 'trial' | 'paid' | 'grace' | 'comp';
    after: 'trial_expired' | 'canceled' | 'payment_failed';
  }> = [
    {
      name: 'trialing until trial_ends_at',
      m: membership({ status: 'trialing', trialEndsAt: T }),
      end: T,
      kind: 'trial',
      after: 'trial_expired',
    },
    {
      name: 'past_due until grace_until',
      m: membership({ status: 'past_due', graceUntil: T }),
      end: T,
      kind: 'grace',
      after: 'payment_failed',
    },
    {
      name: 'canceled until current_period_end',
      m: membership({ status: 'canceled', currentPeriodEnd: T, cancelAtPeriodEnd: true }),
      end: T,
      kind: 'paid',
      after: 'canceled',
    },
    {
      name: 'comped until comp_until',
      m: membership({ status: 'comped', compUntil: T }),
      end: T,
      kind: 'comp',
      after: 'canceled',
    },
    {
      name: 'active until current_period_end + renewal leeway',
      m: membership({ status: 'active', currentPeriodEnd: T, plan: 'monthly' }),
      end: at(RENEWAL_LEEWAY_SECONDS),
      kind: 'paid',
      after: 'canceled',
    },
  ];

  for (const c of cases) {
    it(`${c.name}: entitled one second before, not at the end`, () => {
      const before = entitlementOf(c.m, new Date(c.end.getTime() - 1000));
      expect(before).toEqual({ entitled: true, kind: c.kind, reason: null, until: c.end });
      expect(entitlementOf(c.m, c.end)).toEqual({
        entitled: false,
        kind: null,
        reason: c.after,
        until: null,
      });
      expect(entitlementOf(c.m, new Date(c.end.getTime() + 1000)).entitled).toBe(false);
    });
  }

  it('active without a known period end is entitled with no end', () => {
    expect(entitlementOf(membership({ status: 'active' }), T)).toEqual({
      entitled: true,
      kind: 'paid',
      reason: null,
      until: null,
    });
  });

  it('statuses with a missing end date are not entitled (never endless by accident)', () => {
    expect(entitlementOf(membership({ status: 'trialing', trialEndsAt: null }), T).entitled).toBe(false);
    expect(entitlementOf(membership({ status: 'past_due', graceUntil: null }), T).entitled).toBe(false);
    expect(entitlementOf(membership({ status: 'canceled', currentPeriodEnd: null }), T).entitled).toBe(false);
    expect(entitlementOf(membership({ status: 'comped', compUntil: null }), T).entitled).toBe(false);
  });

  it('expired is never entitled and reports how it ended', () => {
    for (const endedReason of ['trial_expired', 'canceled', 'payment_failed'] as const) {
      expect(
        entitlementOf(membership({ status: 'expired', endedReason, currentPeriodEnd: at(99_999) }), T),
      ).toEqual({
        entitled: false,
        kind: null,
        reason: endedReason,
        until: null,
      });
    }
    expect(entitlementOf(membership({ status: 'expired' }), T).reason).toBe('canceled');
  });

  it('no membership → no_membership; a deleted reader → deleted', () => {
    expect(entitlementOf(null, T)).toEqual({
      entitled: false,
      kind: null,
      reason: 'no_membership',
      until: null,
    });
    const live = membership({ status: 'comped', compUntil: at(3600) });
    expect(readerEntitlement(verified, live, T).entitled).toBe(true);
    expect(readerEntitlement({ ...verified, deletedAt: at(-10) }, live, T)).toEqual({
      entitled: false,
      kind: null,
      reason: 'deleted',
      until: null,
    });
  });
});

describe('the day-one rule for unverified trials', () => {
  const day = UNVERIFIED_TRIAL_SECONDS;
  const trial = membership({ status: 'trialing', trialEndsAt: at(14 * 86_400) });
  const unverified = (signedUpAgo: number) => ({
    deletedAt: null,
    createdAt: at(-signedUpAgo),
    emailVerifiedAt: null,
  });

  it('keeps a trial for its first day, ending the entitlement (and so the tokens) at the cutoff', () => {
    const e = readerEntitlement(unverified(3600), trial, T);
    expect(e).toEqual({ entitled: true, kind: 'trial', reason: null, until: at(day - 3600) });
    expect(verificationRequiredFrom(unverified(3600), e)).toEqual(at(day - 3600));
    expect(readerEntitlement(unverified(day - 1), trial, T).entitled).toBe(true);
  });

  it('stops the trial from the end of its first day until the address is confirmed', () => {
    for (const ago of [day, day + 1, 10 * day]) {
      expect(readerEntitlement(unverified(ago), trial, T)).toEqual({
        entitled: false,
        kind: null,
        reason: 'email_unverified',
        until: null,
      });
    }
    const confirmed = { ...unverified(10 * day), emailVerifiedAt: at(-5) };
    expect(readerEntitlement(confirmed, trial, T)).toEqual(entitlementOf(trial, T));
  });

  it('keeps the earlier end when the trial itself ends within the first day', () => {
    const short = membership({ status: 'trialing', trialEndsAt: at(600) });
    expect(readerEntitlement(unverified(60), short, T).until).toEqual(at(600));
    expect(
      readerEntitlement(unverified(60), membership({ status: 'trialing', trialEndsAt: at(-1) }), T).reason,
    ).toBe('trial_expired');
  });

  it('touches nothing but the free trial: paid, grace and comp need no confirmed address', () => {
    const others = [
      membership({ status: 'active', currentPeriodEnd: at(86_400) }),
      membership({ status: 'past_due', graceUntil: at(86_400) }),
      membership({ status: 'canceled', currentPeriodEnd: at(86_400) }),
      membership({ status: 'comped', compUntil: at(86_400) }),
      membership({ status: 'expired', endedReason: 'canceled' }),
      null,
    ];
    for (const m of others) {
      const e = readerEntitlement(unverified(10 * day), m, T);
      expect(e).toEqual(entitlementOf(m, T));
      expect(verificationRequiredFrom(unverified(10 * day), e)).toBeNull();
    }
  });

  it('a deleted reader is deleted, verified or not', () => {
    expect(readerEntitlement({ ...unverified(60), deletedAt: at(-1) }, trial, T).reason).toBe('deleted');
  });
});

describe('effectiveMembership', () => {
  it('shows a run-out trial, canceled period or comp as expired, and leaves live ones alone', () => {
    const trial = membership({ status: 'trialing', trialEndsAt: T });
    expect(effectiveMembership(trial, at(-1))).toBe(trial);
    expect(effectiveMembership(trial, T)).toMatchObject({
      status: 'expired',
      endedReason: 'trial_expired',
      trialEndsAt: T,
    });
    expect(effectiveMembership(membership({ status: 'canceled', currentPeriodEnd: T }), T).status).toBe(
      'expired',
    );
    expect(effectiveMembership(membership({ status: 'comped', compUntil: T }), T).status).toBe('expired');
    // past_due keeps its status after grace: the payment failure is the truth the reader must see.
    expect(effectiveMembership(membership({ status: 'past_due', graceUntil: T }), T).status).toBe('past_due');
  });
});

describe('tokenLifetime: exp = min(iat + ttl, entitled_until)', () => {
  const iat = Math.floor(T.getTime() / 1000);
  it('is bounded by the TTL when the entitlement lasts longer', () => {
    expect(
      tokenLifetime({ entitled: true, kind: 'trial', reason: null, until: at(10_000) }, iat, 600),
    ).toEqual({
      exp: iat + 600,
      entitledUntil: iat + 10_000,
    });
  });
  it('is bounded by the entitlement when it ends sooner', () => {
    expect(tokenLifetime({ entitled: true, kind: 'grace', reason: null, until: at(42) }, iat, 600)).toEqual({
      exp: iat + 42,
      entitledUntil: iat + 42,
    });
  });
  it('uses the TTL for an entitlement without an end', () => {
    expect(tokenLifetime({ entitled: true, kind: 'paid', reason: null, until: null }, iat, 600)).toEqual({
      exp: iat + 600,
      entitledUntil: iat + 600,
    });
  });
});
