/** @module Gifts of membership: what they cost, when the membership they give starts and ends, who may redeem. Pure rules. */
import { type Membership, paysThroughStripe } from './membership';

export const GIFT_MONTHS = [1, 3, 12] as const;
export type GiftMonths = (typeof GIFT_MONTHS)[number];

export function isGiftMonths(value: number): value is GiftMonths {
  return (GIFT_MONTHS as readonly number[]).includes(value);
}

/** A gift costs its months at the monthly price, a year at the annual price (minor units). */
export function giftAmount(months: GiftMonths, prices: { monthly: number; annual: number }): number {
  return months === 12 ? prices.annual : prices.monthly * months;
}

/** `date` plus whole calendar months in UTC, the day clamped to the month's last (31 January + 1 = 28/29 February). */
export function addMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  target.setUTCHours(date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), 0);
  return target;
}

/**
 * When a redeemed gift starts: after what the reader already has that ends (a running free trial
 * or complimentary/gift membership), else now. Nothing the reader had is cut short.
 */
export function giftStart(membership: Membership | null, now: Date): Date {
  const later = (d: Date | null) => (d !== null && d.getTime() > now.getTime() ? d : now);
  if (membership?.status === 'trialing') return later(membership.trialEndsAt);
  if (membership?.status === 'comped') return later(membership.compUntil);
  return now;
}

/**
 * The complimentary end that stays when a redeemed gift is refunded: its months come off the end
 * it gave (what the reader had before it, a trial or an earlier gift, is kept), never before now.
 */
export function refundedGiftEnd(giftEnd: Date, months: number, now: Date): Date {
  const before = addMonths(giftEnd, -months);
  return before.getTime() > now.getTime() ? before : now;
}

export type RedeemRefusal = 'pays_through_stripe' | 'deleted';

/** Why this reader cannot redeem now, or null: a paying subscriber would pay and be gifted at once. */
export function redeemRefusal(
  reader: { deletedAt: Date | null },
  membership: Membership | null,
): RedeemRefusal | null {
  if (reader.deletedAt !== null) return 'deleted';
  if (paysThroughStripe(membership)) return 'pays_through_stripe';
  return null;
}

/** The membership a redeemed gift gives: complimentary (marked a gift) until `end`. */
export function giftMembership(membership: Membership | null, end: Date): Membership {
  return {
    status: 'comped',
    plan: null,
    trialEndsAt: membership?.trialEndsAt ?? null,
    currentPeriodEnd: null,
    cancelAtPeriodEnd: false,
    graceUntil: null,
    compUntil: end,
    endedReason: null,
    gift: true,
  };
}
