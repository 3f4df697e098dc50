/** @module Mapping between membership rows and the domain Membership. */

import type { Membership } from '../domain/membership';
import type { memberships } from './schema';

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
  };
}

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
