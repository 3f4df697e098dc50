/**
 * @module Members by effective status from running counts: the stored status of every membership
 * (counted by triggers as it changes) and the few that are still inside the window their status
 * lasts for now. A trial, a cancellation's last period or a comp past its end counts as expired,
 * exactly as `effectiveStatusSql` and `effectiveMembership` decide it row by row.
 */
import { MEMBERSHIP_STATUSES, type MembershipStatus } from './membership';

/** The members of the time-bound statuses whose window is still open now. */
export interface OpenWindows {
  trialing: number;
  canceled: number;
  comped: number;
}

export function effectiveCounts(
  stored: Partial<Record<MembershipStatus, number>>,
  open: OpenWindows,
): Record<MembershipStatus, number> {
  const counts = Object.fromEntries(MEMBERSHIP_STATUSES.map((s) => [s, stored[s] ?? 0])) as Record<
    MembershipStatus,
    number
  >;
  const lapsed = (status: keyof OpenWindows) => {
    const still = Math.min(open[status], counts[status]);
    counts.expired += counts[status] - still;
    counts[status] = still;
  };
  lapsed('trialing');
  lapsed('canceled');
  lapsed('comped');
  return counts;
}
