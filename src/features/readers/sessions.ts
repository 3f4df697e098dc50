/** @module Reader sessions: opaque 32-byte tokens, stored only as SHA-256 hashes, expiring. */
import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { type Db, preparedPerDatabase } from '../../db/client';
import { newId } from '../../db/ids';
import {
  type MembershipRow,
  ownerMemberships,
  seatJoins,
  seatMembership,
  toMembership,
} from '../../db/memberships';
import { memberships, type ReaderRow, readers, sessions } from '../../db/schema';
import { type Entitlement, readerEntitlement } from '../../domain/membership';
import { SESSION_TTL_SECONDS, sessionStands } from '../../domain/session';
import { wholeSeconds } from '../../domain/time';
import { randomToken, sha256Hex } from '../../lib/crypto';

export interface NewSession {
  token: string;
  row: typeof sessions.$inferInsert;
  expiresAt: Date;
}

/** Makes a session token and the row to store (the caller writes it, usually in a batch). */
export async function newSession(ctx: AppContext, readerId: string): Promise<NewSession> {
  const token = randomToken(32);
  const now = wholeSeconds(ctx.now());
  const expiresAt = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000);
  return {
    token,
    expiresAt,
    row: {
      id: newId('session'),
      readerId,
      tokenHash: await sha256Hex(token),
      createdAt: now,
      expiresAt,
      userAgent: ctx.userAgent ?? null,
    },
  };
}

/** A signed-in reader: the principal of every reader use-case. */
export interface Authenticated {
  reader: ReaderRow;
  membershipRow: MembershipRow | null;
  /** The membership of the owner whose seat the reader holds (family and group plans), if any. */
  seatMembershipRow: MembershipRow | null;
  sessionId: string;
}

/** What a signed-in reader is entitled to at `now`: their own membership, or the seat they hold. */
export function entitlementOfReader(who: Authenticated, now: Date): Entitlement {
  return readerEntitlement(
    who.reader,
    toMembership(who.membershipRow),
    now,
    seatMembership(who.seatMembershipRow),
  );
}

/** The session with its reader, membership and seat, by one indexed column; prepared once per database. */
function sessionBy(db: Db, column: 'tokenHash' | 'id') {
  const joins = seatJoins(sessions.readerId);
  // Of the session only what decides whether it stands: its hash and user agent are not read again.
  const session = { id: sessions.id, createdAt: sessions.createdAt, expiresAt: sessions.expiresAt };
  return db
    .select({ session, reader: readers, membership: memberships, seat: ownerMemberships })
    .from(sessions)
    .innerJoin(readers, eq(readers.id, sessions.readerId))
    .leftJoin(memberships, eq(memberships.readerId, sessions.readerId))
    .leftJoin(...joins.seat)
    .leftJoin(...joins.owner)
    .where(eq(sessions[column], sql.placeholder('key')))
    .limit(1)
    .prepare();
}
const sessionByHash = preparedPerDatabase((db) => sessionBy(db, 'tokenHash'));
const sessionById = preparedPerDatabase((db) => sessionBy(db, 'id'));

type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionByHash>['all']>>[number];

function standing(ctx: AppContext, row: SessionRow | undefined): Authenticated | null {
  if (!row || !sessionStands(row.session, row.reader, ctx.now())) return null;
  return {
    reader: row.reader,
    membershipRow: row.membership,
    seatMembershipRow: row.seat,
    sessionId: row.session.id,
  };
}

/** The reader behind a session token, with their membership, in one indexed query; null if none. */
export async function authenticateSession(ctx: AppContext, token: string): Promise<Authenticated | null> {
  if (token.length < 20 || token.length > 200) return null;
  const row = await sessionByHash(ctx.db).get({ key: await sha256Hex(token) });
  return standing(ctx, row);
}

/** The session with this id, if it still stands (e.g. the session an access code was issued under). */
export async function standingSession(ctx: AppContext, sessionId: string): Promise<Authenticated | null> {
  const row = await sessionById(ctx.db).get({ key: sessionId });
  return standing(ctx, row);
}

export async function endSession(ctx: AppContext, sessionId: string): Promise<void> {
  await ctx.db.delete(sessions).where(eq(sessions.id, sessionId));
}
