/**
 * @module A publisher's profile: its name, the origins `/access` may send readers back to, and what
 * readers see on `/titles` (description, homepage, logo), as one change rule for the publisher
 * itself and for admins.
 */
import { eq } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { type PublisherRow, publishers } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import { auditEntry } from '../audit';
import type { PublisherPrincipal } from './principal';

export interface ProfileChange {
  name?: string | undefined;
  /** Already validated origins (`https://host[:port]`); duplicates are dropped. */
  origins?: string[] | undefined;
  /** What readers see on `/titles`; null clears a field, undefined leaves it. */
  description?: string | null | undefined;
  homepageUrl?: string | null | undefined;
  logoUrl?: string | null | undefined;
}

/** The publisher after a change: the name trimmed, the origins without duplicates. */
export function withProfile(before: PublisherRow, change: ProfileChange, now: Date): PublisherRow {
  return {
    ...before,
    ...(change.name !== undefined ? { name: change.name.trim() } : {}),
    ...(change.origins !== undefined ? { origins: [...new Set(change.origins)] } : {}),
    ...(change.description !== undefined ? { description: change.description?.trim() || null } : {}),
    ...(change.homepageUrl !== undefined ? { homepageUrl: change.homepageUrl } : {}),
    ...(change.logoUrl !== undefined ? { logoUrl: change.logoUrl } : {}),
    updatedAt: wholeSeconds(now),
  };
}

/** The columns a profile change writes, for both the publisher's own update and an admin's. */
export function profileColumns(after: PublisherRow) {
  return {
    name: after.name,
    origins: after.origins,
    description: after.description,
    homepageUrl: after.homepageUrl,
    logoUrl: after.logoUrl,
    updatedAt: after.updatedAt,
  };
}

/** The fields a change names, for the log line. */
export function changedFields(change: ProfileChange): string[] {
  return Object.entries(change)
    .filter(([key, value]) => key !== 'id' && value !== undefined)
    .map(([key]) => key);
}

/**
 * The publisher changes its own profile (an API key, or an owner in the console), audited as an
 * admin's change is. A viewer is refused.
 */
export async function updatePublisherProfile({
  ctx,
  principal,
  input,
}: UseCase<ProfileChange, PublisherPrincipal>): Promise<PublisherRow> {
  if (principal.actor.role !== 'owner')
    throw new ApiError('forbidden', 'A viewer may not change the profile.');
  const [before] = await ctx.db.select().from(publishers).where(eq(publishers.id, principal.publisherId));
  if (!before) throw new ApiError('not_found', 'No publisher has this id.');
  const after = withProfile(before, input, ctx.now());
  await ctx.db.batch([
    ctx.db.update(publishers).set(profileColumns(after)).where(eq(publishers.id, before.id)),
    auditEntry(ctx, principal, {
      action: 'publisher.update_profile',
      targetType: 'publisher',
      targetId: before.id,
      before: profileSnapshot(before),
      after: profileSnapshot(after),
    }),
  ]);
  ctx.logger.info('publisher profile updated', {
    publisher_id: before.id,
    fields: changedFields(input),
  });
  return after;
}

/** What the audit log keeps of a profile (never a key). */
export function profileSnapshot(p: PublisherRow) {
  return {
    name: p.name,
    origins: p.origins,
    description: p.description,
    homepage_url: p.homepageUrl,
    logo_url: p.logoUrl,
  };
}
