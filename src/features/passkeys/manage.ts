/** @module A reader's passkeys: the list (newest first) and removing one of their own. */
import { and, desc, eq } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { passkeys } from '../../db/schema';
import type { Authenticated } from '../readers';
import type { PasskeyRow } from './register';

export type Passkey = Omit<PasskeyRow, 'publicKey'>;

export async function listPasskeys({
  ctx,
  principal: who,
}: UseCase<undefined, Authenticated>): Promise<Passkey[]> {
  return ctx.db
    .select({
      id: passkeys.id,
      readerId: passkeys.readerId,
      counter: passkeys.counter,
      transports: passkeys.transports,
      deviceType: passkeys.deviceType,
      backedUp: passkeys.backedUp,
      name: passkeys.name,
      createdAt: passkeys.createdAt,
      lastUsedAt: passkeys.lastUsedAt,
    })
    .from(passkeys)
    .where(eq(passkeys.readerId, who.reader.id))
    .orderBy(desc(passkeys.createdAt))
    .limit(100);
}

/** Removes one of the reader's passkeys; another reader's (or none) is 404, the same answer. */
export async function deletePasskey({ ctx, principal: who, input }: UseCase<{ id: string }, Authenticated>) {
  const gone = await ctx.db
    .delete(passkeys)
    .where(and(eq(passkeys.id, input.id), eq(passkeys.readerId, who.reader.id)))
    .returning({ id: passkeys.id });
  if (gone.length === 0) throw new ApiError('not_found', 'You have no passkey with this id.');
}
