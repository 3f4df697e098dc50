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

/** The calling publisher changes its own name or origins. */
export async function updatePublisherProfile({
  ctx,
  principal: publisher,
  input,
}: UseCase<ProfileChange, PublisherRow>): Promise<PublisherRow> {
  const after = withProfile(publisher, input, ctx.now());
  const [row] = await ctx.db
    .update(publishers)
    .set(profileColumns(after))
    .where(eq(publishers.id, publisher.id))
    .returning();
  if (!row) throw new ApiError('not_found', 'No publisher has this id.');
  ctx.logger.info('publisher profile updated', {
    publisher_id: publisher.id,
    fields: changedFields(input),
  });
  return row;
}
