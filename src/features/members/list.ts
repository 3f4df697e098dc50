/**
 * @module Looking members up for admins: the list (effective status and email prefix filters,
 * newest first, keyset pages) and one member in detail. Effective statuses are computed in SQL.
 */
import { and, count, desc, eq, gte, isNull, type SQL, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { effectiveStatusSql, type MembershipRow, toMembership } from '../../db/memberships';
import { afterCursor, decodeCursor, type Page, pageFromRows } from '../../db/pages';
import { memberships, type ReaderRow, readers, reads, sessions, stripeEvents } from '../../db/schema';
import { emailKey } from '../../domain/email';
import type { Membership, MembershipStatus } from '../../domain/membership';
import { sessionStands } from '../../domain/session';
import type { AdminPrincipal } from '../admin';

export interface MemberListItem {
  reader: ReaderRow;
  membership: Membership | null;
}

export interface MemberListInput {
  status?: MembershipStatus | undefined;
  /** A prefix of the address; matched against the normalised (trimmed, lower-cased) email. */
  email?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * Live members (deleted accounts are left out), newest first, by `(created_at, id)`. The email
 * prefix is a range on the unique `email_key` index: every key that starts with `p` sorts between
 * `p` and `p` followed by the highest code point.
 */
export async function listMembers({
  ctx,
  input,
}: UseCase<MemberListInput, AdminPrincipal>): Promise<Page<MemberListItem>> {
  const after = decodeCursor(input.cursor);
  const conditions: SQL[] = [sql`${readers.deletedAt} is null`];
  if (input.status) conditions.push(sql`${effectiveStatusSql(ctx.now())} = ${input.status}`);
  const prefix = input.email === undefined ? '' : emailKey(input.email);
  if (prefix) {
    conditions.push(sql`${readers.emailKey} >= ${prefix} and ${readers.emailKey} < ${`${prefix}\u{10FFFF}`}`);
  }
  const afterCondition = afterCursor(after, readers.createdAt, readers.id);
  if (afterCondition) conditions.push(afterCondition);
  const rows = await ctx.db
    .select({ reader: readers, membership: memberships })
    .from(readers)
    .leftJoin(memberships, eq(memberships.readerId, readers.id))
    .where(and(...conditions))
    .orderBy(desc(readers.createdAt), desc(readers.id))
    .limit(input.limit + 1);
  const page = pageFromRows(rows, input.limit, (row) => row.reader);
  return {
    data: page.data.map((row) => ({ reader: row.reader, membership: toMembership(row.membership) })),
    nextCursor: page.nextCursor,
  };
}

export interface MemberDetail {
  reader: ReaderRow;
  membershipRow: MembershipRow | null;
  membership: Membership | null;
  events: (typeof stripeEvents.$inferSelect)[];
  activeSessions: number;
  readsLast30Days: number;
}

export const RECENT_EVENTS = 50;
const READS_WINDOW_DAYS = 30;

/** One member with their billing history and activity; deleted accounts too (with `deleted_at`). */
export async function memberDetail({
  ctx,
  input: { readerId },
}: UseCase<{ readerId: string }, AdminPrincipal>): Promise<MemberDetail> {
  const now = ctx.now();
  const [row] = await ctx.db
    .select({ reader: readers, membership: memberships })
    .from(readers)
    .leftJoin(memberships, eq(memberships.readerId, readers.id))
    .where(eq(readers.id, readerId))
    .limit(1);
  if (!row) throw new ApiError('not_found', 'No member has this id.');
  // The last 30 UTC days, today included.
  const since = new Date(now.getTime() - (READS_WINDOW_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const [events, readerSessions, [recent]] = await Promise.all([
    ctx.db
      .select()
      .from(stripeEvents)
      .where(eq(stripeEvents.readerId, readerId))
      .orderBy(desc(stripeEvents.processedAt), desc(stripeEvents.stripeCreatedAt))
      .limit(RECENT_EVENTS),
    ctx.db
      .select({ createdAt: sessions.createdAt, expiresAt: sessions.expiresAt })
      .from(sessions)
      .where(eq(sessions.readerId, readerId)),
    ctx.db
      .select({ n: count() })
      .from(reads)
      .where(and(eq(reads.readerId, readerId), gte(reads.day, since))),
  ]);
  return {
    reader: row.reader,
    membershipRow: row.membership,
    membership: toMembership(row.membership),
    events,
    activeSessions: readerSessions.filter((session) => sessionStands(session, row.reader, now)).length,
    readsLast30Days: recent?.n ?? 0,
  };
}

/** The member to act on: a live (not deleted) reader with a membership, or 404. */
export async function liveMember(
  ctx: AppContext,
  readerId: string,
): Promise<{ reader: ReaderRow; row: MembershipRow; membership: Membership }> {
  const [found] = await ctx.db
    .select({ reader: readers, membership: memberships })
    .from(readers)
    .innerJoin(memberships, eq(memberships.readerId, readers.id))
    .where(and(eq(readers.id, readerId), isNull(readers.deletedAt)))
    .limit(1);
  const membership = toMembership(found?.membership);
  if (!found || !membership) throw new ApiError('not_found', 'No member has this id.');
  return { reader: found.reader, row: found.membership, membership };
}
