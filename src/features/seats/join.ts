/** @module Taking a seat by its invitation link: only the invited address, once, while the owner's subscription runs. */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { isUniqueViolation } from '../../db/errors';
import { membershipColumns, toMembership } from '../../db/memberships';
import { memberships, readers, type SeatRow, seats } from '../../db/schema';
import { type JoinRefusal, joinRefusal, membershipOnJoin, subscribes } from '../../domain/seats';
import { wholeSeconds } from '../../domain/time';
import { auditEntryIf } from '../audit';
import type { Authenticated } from '../readers';
import { SEAT_TOKEN_SHAPE, seatTokenHash } from './links';

export interface SeatInvitation {
  id: string;
  /** Whose membership it shares: the owner's address. */
  from: string;
  /** The address it is for. */
  email: string;
  expiresAt: Date;
  status: 'open' | 'taken' | 'expired' | 'ended';
}

async function seatOfToken(ctx: AppContext, token: string) {
  if (!SEAT_TOKEN_SHAPE.test(token)) return null;
  const [row] = await ctx.db
    .select({ seat: seats, from: readers.email, owner: memberships })
    .from(seats)
    .innerJoin(readers, eq(readers.id, seats.ownerReaderId))
    .leftJoin(memberships, eq(memberships.readerId, seats.ownerReaderId))
    .where(eq(seats.tokenHash, await seatTokenHash(token)))
    .limit(1);
  return row ?? null;
}

function ownerSubscribes(owner: typeof memberships.$inferSelect | null): boolean {
  return subscribes({ membership: toMembership(owner), subscriptionId: owner?.stripeSubscriptionId ?? null });
}

/** What an invitation link offers; 404 for a link that names no open seat. */
export async function previewSeat({ ctx, input }: UseCase<{ token: string }>): Promise<SeatInvitation> {
  const row = await seatOfToken(ctx, input.token);
  if (!row)
    throw new ApiError(
      'not_found',
      'There is no invitation at this link (it may have been replaced by a newer one).',
    );
  const expired = ctx.now().getTime() >= row.seat.expiresAt.getTime();
  return {
    id: row.seat.id,
    from: row.from ?? '',
    email: row.seat.email,
    expiresAt: row.seat.expiresAt,
    status: row.seat.memberReaderId
      ? 'taken'
      : !ownerSubscribes(row.owner)
        ? 'ended'
        : expired
          ? 'expired'
          : 'open',
  };
}

const REFUSALS: Record<JoinRefusal, string> = {
  taken: 'This seat has been taken.',
  expired: 'This invitation has expired: ask for a new one.',
  other_address: 'This invitation is for another address: sign in with the address it was sent to.',
  seated: 'You already hold a seat on a membership: leave it first.',
  owns_seats: 'You share your own membership: remove its seats first.',
  pays_through_stripe: 'You pay for a subscription of your own: cancel it in billing first.',
};

/**
 * Takes the seat for the signed-in reader. The link proves the mailbox, so the address counts as
 * confirmed; a free trial still running is spent (the seat takes its place).
 */
export async function joinSeat({
  ctx,
  principal: who,
  input,
}: UseCase<{ token: string }, Authenticated & { requestId: string }>): Promise<{ id: string; from: string }> {
  const row = await seatOfToken(ctx, input.token);
  if (!row)
    throw new ApiError(
      'not_found',
      'There is no invitation at this link (it may have been replaced by a newer one).',
    );
  if (!ownerSubscribes(row.owner))
    throw new ApiError('conflict', 'The membership that offered this seat has ended.');
  const seat: SeatRow = row.seat;
  const now = wholeSeconds(ctx.now());
  const [owns] = await ctx.db
    .select({ id: seats.id })
    .from(seats)
    .where(eq(seats.ownerReaderId, who.reader.id))
    .limit(1);
  const [holds] = await ctx.db
    .select({ id: seats.id })
    .from(seats)
    .where(eq(seats.memberReaderId, who.reader.id))
    .limit(1);
  const refusal = joinRefusal(
    seat,
    {
      email: who.reader.emailKey ?? '',
      membership: toMembership(who.membershipRow),
      subscriptionId: who.membershipRow?.stripeSubscriptionId ?? null,
      ownsSeats: owns !== undefined,
      holdsSeat: holds !== undefined,
    },
    now,
  );
  if (refusal) throw new ApiError('conflict', REFUSALS[refusal]);
  const before = toMembership(who.membershipRow);
  const after = membershipOnJoin(before, now);
  const mine = sql`exists (select 1 from ${seats} where ${seats.id} = ${seat.id} and ${seats.memberReaderId} = ${who.reader.id})`;
  const claim = ctx.db.batch([
    ctx.db
      .update(seats)
      .set({ memberReaderId: who.reader.id, joinedAt: now, tokenHash: null })
      .where(
        and(eq(seats.id, seat.id), isNull(seats.memberReaderId), eq(seats.tokenHash, seat.tokenHash ?? '')),
      )
      .returning({ id: seats.id }),
    ctx.db
      .update(readers)
      .set({ emailVerifiedAt: now })
      .where(and(eq(readers.id, who.reader.id), isNull(readers.emailVerifiedAt), mine)),
    ...(after !== before && after && who.membershipRow
      ? [
          ctx.db
            .update(memberships)
            .set({ ...membershipColumns(after), version: who.membershipRow.version + 1, updatedAt: now })
            .where(
              and(
                eq(memberships.readerId, who.reader.id),
                eq(memberships.version, who.membershipRow.version),
                mine,
              ),
            ),
        ]
      : []),
    auditEntryIf(
      ctx,
      { actor: { keyId: who.reader.id }, requestId: who.requestId },
      {
        action: 'seat.join',
        targetType: 'seat',
        targetId: seat.id,
        before: { owner: seat.ownerReaderId, email: seat.email, membership: before?.status ?? null },
        after: { member: who.reader.id, membership: after?.status ?? null },
      },
      mine,
    ),
  ]);
  // Two seats taken at once by one reader: the second meets the one-seat-per-reader index.
  const [claimed] = await claim.catch((err: unknown) => {
    if (isUniqueViolation(err)) throw new ApiError('conflict', REFUSALS.seated);
    throw err;
  });
  if (claimed.length === 0) throw new ApiError('conflict', REFUSALS.taken);
  ctx.logger.info('seat taken', { seat_id: seat.id, reader_id: who.reader.id });
  return { id: seat.id, from: row.from ?? '' };
}
