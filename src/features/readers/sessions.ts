/** @module Reader sessions: opaque 32-byte tokens, stored only as SHA-256 hashes, expiring. */
import { and, eq, gt, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { preparedPerDatabase } from '../../db/client';
import { newId } from '../../db/ids';
import { type MembershipRow, toMembership } from '../../db/memberships';
import { memberships, readers, sessions } from '../../db/schema';
import { epochSeconds, wholeSeconds } from '../../domain/time';
import { randomToken, sha256Hex } from '../../lib/crypto';

export const SESSION_TTL_SECONDS = 30 * 86_400;

export type ReaderRow = typeof readers.$inferSelect;

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
    row: { id: newId('session'), readerId, tokenHash: await sha256Hex(token), createdAt: now, expiresAt },
  };
}

export interface Authenticated {
  reader: ReaderRow;
  membershipRow: MembershipRow | null;
  sessionId: string;
}

/** Prepared once per database: building the query is a good part of a request's CPU time. */
const sessionLookup = preparedPerDatabase((db) =>
  db
    .select({
      sessionId: sessions.id,
      sessionCreatedAt: sessions.createdAt,
      reader: readers,
      membership: memberships,
    })
    .from(sessions)
    .innerJoin(readers, eq(readers.id, sessions.readerId))
    .leftJoin(memberships, eq(memberships.readerId, sessions.readerId))
    .where(
      and(eq(sessions.tokenHash, sql.placeholder('hash')), gt(sessions.expiresAt, sql.placeholder('now'))),
    )
    .limit(1)
    .prepare(),
);

/** The reader behind a session token, with their membership, in one indexed query; null if none. */
export async function authenticateSession(ctx: AppContext, token: string): Promise<Authenticated | null> {
  if (token.length < 20 || token.length > 200) return null;
  const [row] = await sessionLookup(ctx.db).all({
    hash: await sha256Hex(token),
    now: epochSeconds(ctx.now()),
  });
  if (!row || row.reader.deletedAt !== null) return null;
  if (row.reader.revokedBefore && row.sessionCreatedAt < row.reader.revokedBefore) return null;
  return { reader: row.reader, membershipRow: row.membership, sessionId: row.sessionId };
}

export async function endSession(ctx: AppContext, sessionId: string): Promise<void> {
  await ctx.db.delete(sessions).where(eq(sessions.id, sessionId));
}

export { toMembership };
