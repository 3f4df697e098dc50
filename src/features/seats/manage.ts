/**
 * @module The owner's side of seats: list, invite by email (the subscription's quantity follows),
 * remove; and the member's side: leave. A seat that goes ends the member's access at once.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { newId } from '../../db/ids';
import { insertIf } from '../../db/insert-if';
import { toMembership } from '../../db/memberships';
import { memberships, outbox, readers, type SeatRow, seats } from '../../db/schema';
import { normalizeEmail } from '../../domain/email';
import { entitlementOf } from '../../domain/membership';
import {
  type InviteRefusal,
  inviteRefusal,
  SEAT_INVITE_DAYS,
  seatQuantity,
  subscribes,
} from '../../domain/seats';
import { wholeSeconds } from '../../domain/time';
import { auditEntry, auditEntryIf } from '../audit';
import { seatsOf, syncSeatQuantity } from '../billing';
import { mailRow, senderFor, sendSoon } from '../mail';
import type { Authenticated } from '../readers';
import { entitlementEndedRows } from '../webhooks';
import { joinUrl, newSeatToken, seatTokenHash } from './links';

type Who = Authenticated & { requestId: string };

export interface SeatView {
  id: string;
  email: string;
  status: 'joined' | 'invited' | 'expired';
  invitedAt: Date;
  expiresAt: Date;
  joinedAt: Date | null;
}

export interface SeatsOverview {
  /** People one membership covers, the owner included (`SEAT_LIMIT`). */
  limit: number;
  /** What the owner's subscription is billed for: the owner and every seat. */
  quantity: number;
  seats: SeatView[];
  /** Why the reader cannot invite now, or null. */
  inviteRefusal: InviteRefusal | null;
  /** The seat the reader holds on someone else's membership. */
  holds: { id: string; ownerEmail: string; joinedAt: Date } | null;
}

function view(row: SeatRow, now: Date): SeatView {
  const status = row.memberReaderId
    ? 'joined'
    : row.expiresAt.getTime() <= now.getTime()
      ? 'expired'
      : 'invited';
  return {
    id: row.id,
    email: row.email,
    status,
    invitedAt: row.invitedAt,
    expiresAt: row.expiresAt,
    joinedAt: row.joinedAt,
  };
}

async function heldSeat(ctx: AppContext, readerId: string) {
  const [held] = await ctx.db
    .select({
      id: seats.id,
      ownerEmail: readers.email,
      joinedAt: seats.joinedAt,
      ownerReaderId: seats.ownerReaderId,
    })
    .from(seats)
    .innerJoin(readers, eq(readers.id, seats.ownerReaderId))
    .where(eq(seats.memberReaderId, readerId))
    .limit(1);
  return held ?? null;
}

function refusalFor(ctx: AppContext, who: Authenticated, email: string, used: number, holds: boolean) {
  return inviteRefusal(
    {
      membership: toMembership(who.membershipRow),
      subscriptionId: who.membershipRow?.stripeSubscriptionId ?? null,
      email: who.reader.emailKey ?? '',
      holdsSeat: holds,
    },
    { email, seatsUsed: used, limit: ctx.config.seatLimit },
  );
}

export async function listSeats({
  ctx,
  principal: who,
}: UseCase<void, Authenticated>): Promise<SeatsOverview> {
  const now = ctx.now();
  const rows = await ctx.db
    .select()
    .from(seats)
    .where(eq(seats.ownerReaderId, who.reader.id))
    .orderBy(seats.invitedAt, seats.id);
  const held = await heldSeat(ctx, who.reader.id);
  return {
    limit: ctx.config.seatLimit,
    quantity: seatQuantity(rows.length),
    seats: rows.map((r) => view(r, now)),
    inviteRefusal: refusalFor(ctx, who, '', rows.length, held !== null),
    holds: held ? { id: held.id, ownerEmail: held.ownerEmail ?? '', joinedAt: held.joinedAt ?? now } : null,
  };
}

const REFUSALS: Record<InviteRefusal, string> = {
  seats_off: 'Seats are not offered on this service.',
  member: 'You hold a seat on someone else’s membership: only its owner can invite.',
  self: 'That is your own address.',
  no_subscription:
    'Seats come with a subscription: subscribe first, then invite the people you share it with.',
  ending: 'Your subscription is set to end: resume it in billing before inviting anyone.',
  full: 'Every seat is taken: remove someone first.',
};

/**
 * Invites `email` to a seat: the seat is stored, the subscription's quantity set (a failure at
 * Stripe takes the seat back and answers 503), then the invitation mailed. Inviting an address
 * again sends a fresh link (the old one stops working).
 */
export async function inviteSeat({
  ctx,
  principal: who,
  input,
}: UseCase<{ email: string }, Who>): Promise<SeatView> {
  const mailbox = normalizeEmail(input.email);
  if (!mailbox) throw new ApiError('invalid_request', 'Enter an email address like name@example.com.');
  const email = mailbox.key;
  const [existing] = await ctx.db
    .select()
    .from(seats)
    .where(and(eq(seats.ownerReaderId, who.reader.id), eq(seats.email, email)))
    .limit(1);
  if (existing?.memberReaderId) throw new ApiError('conflict', `${email} already holds a seat.`);
  const used = await seatsOf(ctx, who.reader.id);
  const refusal = refusalFor(
    ctx,
    who,
    email,
    existing ? used - 1 : used,
    (await heldSeat(ctx, who.reader.id)) !== null,
  );
  if (refusal) throw new ApiError(refusal === 'seats_off' ? 'forbidden' : 'conflict', REFUSALS[refusal]);
  const subscriptionId = who.membershipRow?.stripeSubscriptionId ?? '';
  const now = wholeSeconds(ctx.now());
  const token = newSeatToken();
  const tokenHash = await seatTokenHash(token);
  const expiresAt = new Date(now.getTime() + SEAT_INVITE_DAYS * 86_400_000);
  const id = existing?.id ?? newId('seat');
  if (existing) {
    await ctx.db.update(seats).set({ tokenHash, invitedAt: now, expiresAt }).where(eq(seats.id, id));
  } else {
    const room = sql`(select count(*) from ${seats} where ${seats.ownerReaderId} = ${who.reader.id}) < ${ctx.config.seatLimit - 1}`;
    const row = { id, ownerReaderId: who.reader.id, email, tokenHash, invitedAt: now, expiresAt };
    const [added] = await ctx.db.batch([insertIf(ctx.db, seats, row, room).returning({ id: seats.id })]);
    if (added.length === 0) throw new ApiError('conflict', REFUSALS.full);
    try {
      await syncSeatQuantity(ctx, who.reader.id, subscriptionId);
    } catch (err) {
      await ctx.db.delete(seats).where(and(eq(seats.id, id), sql`${seats.memberReaderId} is null`));
      await syncSeatQuantity(ctx, who.reader.id, subscriptionId).catch(() => undefined);
      throw err;
    }
  }
  const stands = sql`exists (select 1 from ${seats} where ${seats.id} = ${id} and ${seats.tokenHash} = ${tokenHash})`;
  const [mail] = await ctx.db.batch([
    insertIf(
      ctx.db,
      outbox,
      mailRow(ctx, {
        dedupeKey: `seat-invite:${id}:${tokenHash.slice(0, 16)}`,
        readerId: null,
        to: mailbox.address,
        template: 'seat_invite',
        payload: {
          from: who.reader.email,
          join_url: joinUrl(ctx.config, token),
          expires_at: expiresAt.toISOString(),
        },
      }),
      stands,
    ).returning({ id: outbox.id }),
    auditEntryIf(
      ctx,
      { actor: { keyId: who.reader.id }, requestId: who.requestId },
      {
        action: existing ? 'seat.reinvite' : 'seat.invite',
        targetType: 'seat',
        targetId: id,
        before: null,
        after: { owner: who.reader.id, email, expires_at: expiresAt.toISOString() },
      },
      stands,
    ),
  ]);
  if (mail[0]) sendSoon(ctx, senderFor(ctx), mail[0].id);
  return { id, email, status: 'invited', invitedAt: now, expiresAt, joinedAt: null };
}

/**
 * Ends a seat (the owner removing it, or its member leaving): the member's access through it ends
 * at once (`entitlement.ended`, reason `canceled`, to the publishers that know them, when it was
 * what entitled them), then the subscription's quantity follows.
 */
async function endSeat(ctx: AppContext, who: Who, seat: SeatRow, action: 'seat.remove' | 'seat.leave') {
  const now = ctx.now();
  const [owner] = await ctx.db
    .select()
    .from(memberships)
    .where(eq(memberships.readerId, seat.ownerReaderId))
    .limit(1);
  const [own] = seat.memberReaderId
    ? await ctx.db.select().from(memberships).where(eq(memberships.readerId, seat.memberReaderId)).limit(1)
    : [];
  const gave =
    seat.memberReaderId !== null &&
    !entitlementOf(toMembership(own), now).entitled &&
    entitlementOf(toMembership(owner), now).entitled;
  const gone = sql`not exists (select 1 from ${seats} where ${seats.id} = ${seat.id})`;
  const [deleted] = await ctx.db.batch([
    ctx.db.delete(seats).where(eq(seats.id, seat.id)).returning({ id: seats.id }),
    ...(gave && seat.memberReaderId
      ? [
          entitlementEndedRows(ctx, {
            readerId: seat.memberReaderId,
            reason: 'canceled',
            cause: `seat:${seat.id}`,
            condition: gone,
          }),
        ]
      : []),
    auditEntry(
      ctx,
      { actor: { keyId: who.reader.id }, requestId: who.requestId },
      {
        action,
        targetType: 'seat',
        targetId: seat.id,
        before: { owner: seat.ownerReaderId, email: seat.email, member: seat.memberReaderId },
        after: null,
      },
    ),
  ]);
  if (deleted.length === 0) throw new ApiError('not_found', 'There is no such seat.');
  const subscriptionId = owner?.stripeSubscriptionId;
  if (subscriptionId && subscribes({ membership: toMembership(owner), subscriptionId })) {
    // The seat is gone either way; a quantity Stripe did not take now is set by the next change or reconciliation.
    await syncSeatQuantity(ctx, seat.ownerReaderId, subscriptionId).catch((err: unknown) => {
      ctx.logger.warn('seat quantity not set', { owner: seat.ownerReaderId, error: String(err) });
    });
  }
}

export async function removeSeat({
  ctx,
  principal: who,
  input,
}: UseCase<{ id: string }, Who>): Promise<void> {
  const [seat] = await ctx.db
    .select()
    .from(seats)
    .where(and(eq(seats.id, input.id), eq(seats.ownerReaderId, who.reader.id)))
    .limit(1);
  if (!seat) throw new ApiError('not_found', 'There is no such seat.');
  await endSeat(ctx, who, seat, 'seat.remove');
}

export async function leaveSeat({ ctx, principal: who }: UseCase<void, Who>): Promise<void> {
  const [seat] = await ctx.db.select().from(seats).where(eq(seats.memberReaderId, who.reader.id)).limit(1);
  if (!seat) throw new ApiError('not_found', 'You hold no seat.');
  await endSeat(ctx, who, seat, 'seat.leave');
}
