/**
 * @module Mapping between membership rows and the domain Membership, and the membership's effective
 * status as an SQL expression for lists and counts (the same rule as `effectiveMembership`).
 */

import { type Column, eq, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Membership, MembershipStatus } from '../domain/membership';
import { epochSeconds } from '../domain/time';
import { memberships, seats } from './schema';

export type MembershipRow = typeof memberships.$inferSelect;

export function toMembership(row: MembershipRow | null | undefined): Membership | null {
  if (!row) return null;
  return {
    status: row.status,
    plan: row.plan,
    trialEndsAt: row.trialEndsAt,
    currentPeriodEnd: row.currentPeriodEnd,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    graceUntil: row.graceUntil,
    compUntil: row.compUntil,
    endedReason: row.endedReason,
    ...(row.status === 'comped' && row.compReason?.startsWith(GIFT_COMP_REASON) ? { gift: true } : {}),
  };
}

/** The `comp_reason` prefix of a complimentary membership a gift gave (`gift:gft_…`). */
export const GIFT_COMP_REASON = 'gift:';

/** The row fields a domain Membership writes back. */
export function membershipColumns(m: Membership) {
  return {
    status: m.status,
    plan: m.plan,
    trialEndsAt: m.trialEndsAt,
    currentPeriodEnd: m.currentPeriodEnd,
    cancelAtPeriodEnd: m.cancelAtPeriodEnd,
    graceUntil: m.graceUntil,
    compUntil: m.compUntil,
    endedReason: m.endedReason,
  };
}

/**
 * The status a member is shown at `now`, as SQL: the same rule as `effectiveMembership` (a trial,
 * canceled period or comp whose end has passed, or that has no end, reads `expired`). Ends are
 * exclusive and stored as epoch seconds.
 */
export function effectiveStatusSql(now: Date): SQL<MembershipStatus> {
  const t = epochSeconds(now);
  return sql<MembershipStatus>`(case
    when ${memberships.status} = 'trialing' and coalesce(${memberships.trialEndsAt}, 0) <= ${t} then 'expired'
    when ${memberships.status} = 'canceled' and coalesce(${memberships.currentPeriodEnd}, 0) <= ${t} then 'expired'
    when ${memberships.status} = 'comped' and coalesce(${memberships.compUntil}, 0) <= ${t} then 'expired'
    else ${memberships.status} end)`;
}

/** The membership of the owner whose seat a reader holds, joined as `owner_membership`. */
export const ownerMemberships = alias(memberships, 'owner_membership');

/**
 * Left joins that bring a reader's seat and its owner's membership (`ownerMemberships`) into a
 * query over `readerId`: `query.leftJoin(...seatJoin(x)).leftJoin(...ownerJoin)`.
 */
export function seatJoins(readerId: SQL | Column) {
  return {
    seat: [seats, eq(seats.memberReaderId, readerId)] as const,
    owner: [ownerMemberships, eq(ownerMemberships.readerId, seats.ownerReaderId)] as const,
  };
}

/** What a seat grants its member: the owner's membership, while a Stripe subscription pays for it. */
export function seatMembership(ownerRow: MembershipRow | null | undefined): Membership | null {
  return ownerRow?.stripeSubscriptionId ? toMembership(ownerRow) : null;
}
