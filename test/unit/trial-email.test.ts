import { describe, expect, it } from 'vitest';
import { emailKey, isPlausibleEmail, trialIdentity } from '../../src/domain/email';
import { entitlementOf, type Membership } from '../../src/domain/membership';
import { initialMembership, withTrialEnd } from '../../src/domain/trial';

const NOW = new Date('2026-11-27T10:00:00Z');

describe('initialMembership', () => {
  it('starts a TRIAL_DAYS trial at sign-up', () => {
    const m = initialMembership(NOW, 14, false);
    expect(m.status).toBe('trialing');
    expect(m.trialEndsAt?.toISOString()).toBe('2026-12-11T10:00:00.000Z');
    const lastSecond = new Date(Date.parse('2026-12-11T10:00:00Z') - 1000);
    expect(entitlementOf(m, lastSecond).entitled).toBe(true);
    expect(entitlementOf(m, new Date('2026-12-11T10:00:00Z')).entitled).toBe(false);
  });

  it('honours another trial length, including none', () => {
    expect(initialMembership(NOW, 30, false).trialEndsAt?.toISOString()).toBe('2026-12-27T10:00:00.000Z');
    expect(entitlementOf(initialMembership(NOW, 0, false), NOW)).toMatchObject({
      entitled: false,
      reason: 'trial_expired',
    });
  });

  it('gives no second trial to a person who already had one', () => {
    const m = initialMembership(NOW, 14, true);
    expect(m).toMatchObject({ status: 'expired', trialEndsAt: null, endedReason: 'trial_expired' });
    expect(entitlementOf(m, NOW)).toMatchObject({ entitled: false, reason: 'trial_expired' });
  });
});

describe('withTrialEnd', () => {
  const trial = initialMembership(NOW, 14, false);
  it('moves the end of a running or run-out trial', () => {
    const ended = withTrialEnd(trial, new Date(NOW.getTime() - 1000));
    expect(ended && entitlementOf(ended, NOW).entitled).toBe(false);
    const expired: Membership = { ...trial, status: 'expired', endedReason: 'trial_expired' };
    const extended = withTrialEnd(expired, new Date(NOW.getTime() + 3600_000));
    expect(extended?.status).toBe('trialing');
    expect(extended && entitlementOf(extended, NOW).entitled).toBe(true);
  });
  it('refuses to turn a paying or comped membership into a trial', () => {
    for (const status of ['active', 'past_due', 'canceled', 'comped'] as const) {
      expect(withTrialEnd({ ...trial, status }, NOW)).toBeNull();
    }
    expect(withTrialEnd({ ...trial, status: 'expired', endedReason: 'canceled' }, NOW)).toBeNull();
  });
});

describe('email normalisation', () => {
  it('keys accounts by trimmed, lower-cased address', () => {
    expect(emailKey('  Jane.Doe+News@Example.COM ')).toBe('jane.doe+news@example.com');
  });

  it.each([
    ['Jane.Doe@gmail.com', 'janedoe@gmail.com'],
    ['j.a.n.e.doe+x@googlemail.com', 'janedoe@gmail.com'],
    ['JANEDOE+a+b@GMAIL.com', 'janedoe@gmail.com'],
    ['jane.doe+news@example.com', 'jane.doe@example.com'],
    ['  jane.doe@Example.com', 'jane.doe@example.com'],
    ['plain@example.org', 'plain@example.org'],
    ['+tagonly@example.org', '@example.org'],
  ])('trial identity of %s is %s', (input, expected) => {
    expect(trialIdentity(input)).toBe(expected);
  });

  it.each([
    ['a@example.com', true],
    ['first.last+tag@sub.example.co.uk', true],
    ['no-at-sign.example.com', false],
    ['two@@example.com', false],
    ['spaces in@example.com', false],
    ['a@nodot', false],
    [`${'x'.repeat(65)}@example.com`, false],
    [`a@${'d'.repeat(250)}.com`, false],
  ])('isPlausibleEmail(%s) = %s', (input, expected) => {
    expect(isPlausibleEmail(input)).toBe(expected);
  });
});
