/**
 * @module A publisher's profile: its name and the origins `/access` may send readers back to, as
 * one change rule for the publisher itself and for admins.
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
}

/** The publisher after a change: the name trimmed, the origins without duplicates. */
export function withProfile(before: PublisherRow, change: ProfileChange, now: Date): PublisherRow {
  return {
    ...before,
    ...(change.name !== undefined ? { name: change.name.trim() } : {}),
    ...(change.origins !== undefined ? { origins: [...new Set(change.origins)] } : {}),
    updatedAt: wholeSeconds(now),
  };
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
    .set({ name: after.name, origins: after.origins, updatedAt: after.updatedAt })
    .where(eq(publishers.id, publisher.id))
    .returning();
  if (!row) throw new ApiError('not_found', 'No publisher has this id.');
  ctx.logger.info('publisher profile updated', {
    publisher_id: publisher.id,
    fields: [input.name !== undefined && 'name', input.origins !== undefined && 'origins'].filter(Boolean),
  });
  return row;
}
