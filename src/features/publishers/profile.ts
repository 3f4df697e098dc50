/** @module A publisher's own profile: its name and the origins `/access` may send readers back to. */
import { eq } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { publishers } from '../../db/schema';
import { wholeSeconds } from '../../domain/time';
import type { PublisherRow } from './keys';

export interface ProfileChange {
  publisherId: string;
  name?: string | undefined;
  /** Already validated origins (`https://host[:port]`); duplicates are dropped. */
  origins?: string[] | undefined;
}

export async function updatePublisherProfile({ ctx, input }: UseCase<ProfileChange>): Promise<PublisherRow> {
  const [row] = await ctx.db
    .update(publishers)
    .set({
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.origins !== undefined ? { origins: [...new Set(input.origins)] } : {}),
      updatedAt: wholeSeconds(ctx.now()),
    })
    .where(eq(publishers.id, input.publisherId))
    .returning();
  if (!row) throw new ApiError('not_found', 'No publisher has this id.');
  ctx.logger.info('publisher profile updated', {
    publisher_id: input.publisherId,
    fields: [input.name !== undefined && 'name', input.origins !== undefined && 'origins'].filter(Boolean),
  });
  return row;
}
