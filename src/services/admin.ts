/** @module Admin keys and the admin use-cases of this stage: authentication and the trial end. */
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext, UseCase } from '../context';
import { type AdminRole, adminKeys, memberships, readers } from '../db/schema';
import type { Membership } from '../domain/membership';
import { wholeSeconds } from '../domain/time';
import { withTrialEnd } from '../domain/trial';
import { ApiError } from '../errors';
import { sha256Hex, timingSafeEqual } from '../lib/crypto';
import { membershipColumns, toMembership } from './memberships';

export interface AdminActor {
  /** `bootstrap` for the ADMIN_API_KEY from the environment, else the `adk_…` id. */
  keyId: string;
  role: AdminRole;
}

export async function authenticateAdmin(ctx: AppContext, key: string): Promise<AdminActor | null> {
  if (key.length < 24 || key.length > 200) return null;
  const hash = await sha256Hex(key);
  if (timingSafeEqual(hash, await sha256Hex(ctx.config.adminApiKey)))
    return { keyId: 'bootstrap', role: 'admin' };
  const [row] = await ctx.db
    .select({ id: adminKeys.id, role: adminKeys.role })
    .from(adminKeys)
    .where(and(eq(adminKeys.keyHash, hash), isNull(adminKeys.revokedAt)))
    .limit(1);
  return row ? { keyId: row.id, role: row.role } : null;
}

/** Sets a reader's trial end; a time in the past ends the trial now. */
export async function setTrialEnd({
  ctx,
  input,
}: UseCase<{ readerId: string; endsAt: Date }>): Promise<Membership> {
  const [row] = await ctx.db
    .select({ membership: memberships, deletedAt: readers.deletedAt })
    .from(readers)
    .leftJoin(memberships, eq(memberships.readerId, readers.id))
    .where(eq(readers.id, input.readerId))
    .limit(1);
  const current = toMembership(row?.membership);
  if (!row || row.deletedAt !== null || !current) throw new ApiError('not_found', 'No member has this id.');
  const next = withTrialEnd(current, wholeSeconds(input.endsAt));
  if (!next) {
    throw new ApiError(
      'conflict',
      `The membership is ${current.status}, not a free trial; its trial end cannot be set.`,
    );
  }
  await ctx.db
    .update(memberships)
    .set({ ...membershipColumns(next), updatedAt: wholeSeconds(ctx.now()) })
    .where(eq(memberships.readerId, input.readerId));
  ctx.logger.info('trial end set', { reader_id: input.readerId, ends_at: next.trialEndsAt?.toISOString() });
  return next;
}
