/**
 * @module Members by effective status now, paying members and the metrics' period figures, without
 * reading every membership: the running counts by stored status (`member_counts`, migration 0023)
 * and by hour or day (`count_buckets`, migration 0024), both kept by triggers, plus the few rows
 * whose window ends within the current hour or whose period ends earlier today.
 */
import { and, like, lt, sql } from 'drizzle-orm';
import { effectiveCounts } from '../domain/member-counts';
import type { MembershipStatus } from '../domain/membership';
import { epochSeconds } from '../domain/time';
import type { Db } from './client';
import { GIFT_COMP_REASON } from './memberships';
import { countBuckets, memberCounts, memberships, readers } from './schema';

const HOUR = 3600;

/** The sum of the buckets of `kind` in `[from, to)` (hours or days since the epoch, as the kind counts). */
export const bucketSum = (kind: string, from: number, to = Number.MAX_SAFE_INTEGER) =>
  sql<number>`(select coalesce(sum(${countBuckets.n}), 0) from ${countBuckets}
    where ${countBuckets.kind} = ${kind} and ${countBuckets.at} >= ${from} and ${countBuckets.at} < ${to})`;

/** The end of the window each time-bound status lasts for: migration 0024's triggers bucket by the same. */
const WINDOW_END = {
  trialing: memberships.trialEndsAt,
  canceled: memberships.currentPeriodEnd,
  comped: memberships.compUntil,
  past_due: memberships.graceUntil,
} as const;

/**
 * Members of readers not deleted with `status` (and `only`, counted under `kind`) whose window is
 * still open at `t`, seconds: the buckets `open:<kind>` of the hours after `t`'s, and this hour's rows.
 */
function openWindows(
  t: number,
  status: keyof typeof WINDOW_END,
  { kind = status as string, only = sql`1` } = {},
) {
  const hour = Math.floor(t / HOUR);
  const end = WINDOW_END[status];
  // The hours after this one are summed; this hour's rows are counted, an index range of one hour.
  return sql<number>`(${bucketSum(`open:${kind}`, hour + 1)} + (select count(*) from ${memberships}
    join ${readers} on ${readers.id} = ${memberships.readerId} and ${readers.deletedAt} is null
    where ${memberships.status} = ${status} and ${end} > ${t} and ${end} < ${(hour + 1) * HOUR} and ${only}))`;
}

/** Readers not deleted whose membership is a gift comp still running at `t`, seconds. */
export const giftMembersAt = (t: number) =>
  openWindows(t, 'comped', {
    kind: 'gift',
    only: sql`${memberships.compReason} like ${`${GIFT_COMP_REASON}%`}`,
  });

/** Deletes the window buckets of hours already past at `now`: no count reads them again. */
export function prunePastWindows(db: Db, now: Date) {
  const hour = Math.floor(epochSeconds(now) / HOUR);
  return db.delete(countBuckets).where(and(like(countBuckets.kind, 'open:%'), lt(countBuckets.at, hour)));
}

export async function membersNow(
  db: Db,
  now: Date,
): Promise<{ members: Record<MembershipStatus, number>; activePaying: number }> {
  const t = epochSeconds(now);
  const [stored, [windows]] = await db.batch([
    db.select().from(memberCounts),
    db
      .select({
        trialing: openWindows(t, 'trialing'),
        canceled: openWindows(t, 'canceled'),
        comped: openWindows(t, 'comped'),
        graced: openWindows(t, 'past_due'),
      })
      .from(sql`(select 1)`),
  ]);
  const counts = Object.fromEntries(stored.map((row) => [row.status, Number(row.n)]));
  return {
    members: effectiveCounts(counts, {
      trialing: Number(windows?.trialing ?? 0),
      canceled: Number(windows?.canceled ?? 0),
      comped: Number(windows?.comped ?? 0),
    }),
    // Paying now: active, or past due within its grace period.
    activePaying: (counts.active ?? 0) + Number(windows?.graced ?? 0),
  };
}
