/**
 * @module Members by effective status now, and paying members, without reading every membership:
 * the running counts by stored status (`member_counts`, kept by triggers, migration 0023) and the
 * members of the time-bound statuses whose window is still open, each a bounded index range.
 */
import { sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { effectiveCounts } from '../domain/member-counts';
import type { MembershipStatus } from '../domain/membership';
import { epochSeconds } from '../domain/time';
import type { Db } from './client';
import { memberCounts, memberships, readers } from './schema';

export async function membersNow(
  db: Db,
  now: Date,
): Promise<{ members: Record<MembershipStatus, number>; activePaying: number }> {
  const t = epochSeconds(now);
  // Readers not deleted whose membership has `status` and an end after now: the index on
  // (status, end) bounds the range to the members still inside their window.
  const open = (status: MembershipStatus, end: SQLiteColumn) =>
    sql<number>`(select count(*) from ${memberships} join ${readers} on ${readers.id} = ${memberships.readerId}
      and ${readers.deletedAt} is null where ${memberships.status} = ${status} and ${end} > ${t})`;
  const [stored, [windows]] = await db.batch([
    db.select().from(memberCounts),
    db
      .select({
        trialing: open('trialing', memberships.trialEndsAt),
        canceled: open('canceled', memberships.currentPeriodEnd),
        comped: open('comped', memberships.compUntil),
        graced: open('past_due', memberships.graceUntil),
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
