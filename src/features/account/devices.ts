/**
 * @module The reader's own sign-ins and password: the signed-in devices, signing out everywhere
 * else, and changing the password (which ends every other session).
 */
import { and, desc, eq, gt, ne } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { readers, sessions } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import { hashPassword } from '../../lib/password';
import { type Authenticated, checkPassword } from '../readers';

/** Sessions a reader can have at once (30-day sessions): the list shows them all. */
const MAX_LISTED = 100;

export interface Device {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  current: boolean;
}

/** Every live session of the reader, newest first, the one asking marked `current`. */
export async function listDevices({
  ctx,
  principal: who,
}: UseCase<undefined, Authenticated>): Promise<Device[]> {
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.readerId, who.reader.id), gt(sessions.expiresAt, wholeSeconds(ctx.now()))))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(MAX_LISTED);
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    userAgent: row.userAgent ?? null,
    current: row.id === who.sessionId,
  }));
}

/** Ends every session of the reader but the one asking; answers how many ended. */
export async function signOutOtherDevices({
  ctx,
  principal: who,
}: UseCase<undefined, Authenticated>): Promise<number> {
  const ended = await ctx.db
    .delete(sessions)
    .where(and(eq(sessions.readerId, who.reader.id), ne(sessions.id, who.sessionId)))
    .returning({ id: sessions.id });
  ctx.logger.info('other sessions ended', { reader_id: who.reader.id, ended: ended.length });
  return ended.length;
}

/**
 * Sets a new password. An account that has one must give it (checked within the sign-in failure
 * budget, like every password check); an account made by mail, which has none, sets its first.
 * Every other session ends in the same batch; this one stays.
 */
export async function changePassword({
  ctx,
  principal: who,
  input,
}: UseCase<{ currentPassword?: string | undefined; newPassword: string }, Authenticated>): Promise<void> {
  const stored = who.reader.passwordHash;
  if (stored !== null) {
    if (input.currentPassword === undefined) {
      throw new ApiError('invalid_request', 'Give the current password to choose a new one.', {
        errors: [{ path: 'current_password', message: 'Required' }],
      });
    }
    const ok = await checkPassword(ctx, who.reader.emailKey ?? who.reader.id, input.currentPassword, stored);
    if (!ok) throw new ApiError('unauthenticated', 'The current password is incorrect.');
  }
  const passwordHash = await hashPassword(input.newPassword);
  const now = wholeSeconds(ctx.now());
  await ctx.db.batch([
    ctx.db.update(readers).set({ passwordHash, updatedAt: now }).where(eq(readers.id, who.reader.id)),
    ctx.db.delete(sessions).where(and(eq(sessions.readerId, who.reader.id), ne(sessions.id, who.sessionId))),
  ]);
  ctx.logger.info('password changed', { reader_id: who.reader.id, first: stored === null });
}
