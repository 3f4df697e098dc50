/**
 * @module Reading Stripe objects into ours: ids of expandable fields, the plan of a price (and the
 * price of a plan), and the snapshot of a subscription that decides a membership.
 */
import type Stripe from 'stripe';
import type { Config } from '../../app/config';
import type { SubscriptionSnapshot } from '../../domain/billing';
import type { Plan } from '../../domain/membership';

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function date(seconds: number | null | undefined): Date | null {
  return typeof seconds === 'number' ? new Date(seconds * 1000) : null;
}

export function planOfPrice(config: Config, priceId: string | null | undefined): Plan | null {
  if (priceId === config.stripe.prices.monthly) return 'monthly';
  if (priceId === config.stripe.prices.annual) return 'annual';
  return null;
}

export function priceOfPlan(config: Config, plan: Plan): string {
  return config.stripe.prices[plan];
}

/** The fields that decide a membership. Since 2025 the period lives on the subscription items. */
export function toSnapshot(config: Config, sub: Stripe.Subscription): SubscriptionSnapshot {
  const item = sub.items.data[0];
  return {
    id: sub.id,
    customerId: idOf(sub.customer) ?? '',
    status: sub.status,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    cancelAt: date(sub.cancel_at),
    currentPeriodEnd: date(item?.current_period_end),
    endedAt: date(sub.ended_at),
    plan: planOfPrice(config, item?.price.id),
  };
}

export function periodStart(sub: Stripe.Subscription): Date | null {
  return date(sub.items.data[0]?.current_period_start);
}

/**
 * The subscription metadata that records an open dispute of one of its payments (set by the
 * dispute handler, so that every later re-fetch of the subscription knows of it).
 */
export const DISPUTE_METADATA = {
  id: 'onepass_dispute',
  since: 'onepass_dispute_since',
  /** Set when the handler stopped renewals (policy `end`): a won dispute turns them back on. */
  stoppedRenewal: 'onepass_dispute_stopped_renewal',
} as const;

/** When the open dispute of one of the subscription's payments was opened; null for none. */
export function disputedSince(sub: Stripe.Subscription): Date | null {
  const since = Number(sub.metadata?.[DISPUTE_METADATA.since]);
  return sub.metadata?.[DISPUTE_METADATA.id] && Number.isFinite(since) ? new Date(since * 1000) : null;
}
