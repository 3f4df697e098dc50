/** @module Seats API: the owner lists, invites and removes; an invited reader previews and joins; a member leaves. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv, ReaderEnv } from '../../app/env';
import { jsonBody, problemResponses, publicSecurity, readerSecurity } from '../../http/openapi';
import { requireReader } from '../readers';
import { joinSeat, previewSeat } from './join';
import { inviteSeat, leaveSeat, listSeats, removeSeat, type SeatView } from './manage';

const SeatSchema = z
  .object({
    id: z.string().openapi({ example: 'sea_abcdefghijklmnopqrst' }),
    email: z.string().openapi({ example: 'sam@example.com' }),
    status: z.enum(['invited', 'joined', 'expired']).openapi({
      description:
        '`invited`: the link is open; `expired`: it ran out (invite again for a new one); `joined`',
    }),
    invited_at: z.string(),
    expires_at: z.string().openapi({ description: 'When the invitation link stops working' }),
    joined_at: z.string().nullable(),
  })
  .openapi('Seat');

const present = (s: SeatView) => ({
  id: s.id,
  email: s.email,
  status: s.status,
  invited_at: s.invitedAt.toISOString(),
  expires_at: s.expiresAt.toISOString(),
  joined_at: s.joinedAt?.toISOString() ?? null,
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/me/seats',
  operationId: 'listSeats',
  tags: ['Seats'],
  summary: 'The seats of your membership, and the seat you hold on someone else’s',
  description:
    'A subscription covers up to `limit` people (`SEAT_LIMIT`), the owner included; `quantity` is what Stripe ' +
    'bills for: the owner and every seat, taken or invited. `invite_refusal` says why you cannot invite now ' +
    '(`no_subscription`, `ending`, `full`, `member`, `seats_off`), or is null.',
  security: readerSecurity,
  middleware: [requireReader],
  responses: {
    200: {
      description: 'Seats',
      content: {
        'application/json': {
          schema: z
            .object({
              limit: z.number().int(),
              quantity: z.number().int(),
              data: z.array(SeatSchema),
              invite_refusal: z.string().nullable(),
              holds: z
                .object({ id: z.string(), owner_email: z.string(), joined_at: z.string() })
                .nullable()
                .openapi({ description: 'The seat you hold on someone else’s membership' }),
            })
            .openapi('SeatsOverview'),
        },
      },
    },
    ...problemResponses(401),
  },
});

const inviteRoute = createRoute({
  method: 'post',
  path: '/v1/me/seats',
  operationId: 'inviteSeat',
  tags: ['Seats'],
  summary: 'Invite someone to a seat on your subscription',
  description:
    'Stores the seat, sets the Stripe subscription’s quantity to the owner plus every seat (no proration: ' +
    'the new quantity is billed from the next renewal), and mails the address a link that works for 7 days. ' +
    'Inviting the same address again sends a fresh link. 409 without a live subscription, when it is set to end, ' +
    'when every seat is taken, or when you hold a seat yourself; 503 (nothing kept) when Stripe cannot be reached.',
  security: readerSecurity,
  middleware: [requireReader],
  request: { body: jsonBody(z.object({ email: z.string().min(3).max(254) }).openapi('InviteSeatRequest')) },
  responses: {
    201: { description: 'Invited', content: { 'application/json': { schema: SeatSchema } } },
    ...problemResponses(400, 401, 403, 409, 415, 503),
  },
});

const IdParam = z.object({
  id: z
    .string()
    .regex(/^sea_[a-z2-7]{20}$/)
    .openapi({ example: 'sea_abcdefghijklmnopqrst' }),
});

const removeRoute = createRoute({
  method: 'delete',
  path: '/v1/me/seats/{id}',
  operationId: 'removeSeat',
  tags: ['Seats'],
  summary: 'Remove a seat (its member loses access at once)',
  description:
    'The member’s access through the seat ends now (`entitlement.ended`, reason `canceled`, to the publishers ' +
    'that know them); the subscription’s quantity goes down without proration.',
  security: readerSecurity,
  middleware: [requireReader],
  request: { params: IdParam },
  responses: { 204: { description: 'Removed' }, ...problemResponses(400, 401, 404) },
});

const leaveRoute = createRoute({
  method: 'delete',
  path: '/v1/me/seat',
  operationId: 'leaveSeat',
  tags: ['Seats'],
  summary: 'Leave the seat you hold',
  description: 'You keep nothing from it: no access, and no second free trial.',
  security: readerSecurity,
  middleware: [requireReader],
  responses: { 204: { description: 'Left' }, ...problemResponses(401, 404) },
});

const TokenParam = z.string().min(1).max(100).openapi({ description: 'The token of the invitation link' });

const previewRoute = createRoute({
  method: 'get',
  path: '/v1/seats/invitations/{token}',
  operationId: 'previewSeatInvitation',
  tags: ['Seats'],
  summary: 'What an invitation link offers',
  security: publicSecurity,
  request: { params: z.object({ token: TokenParam }) },
  responses: {
    200: {
      description: 'The invitation',
      content: {
        'application/json': {
          schema: z
            .object({
              from: z.string(),
              email: z.string(),
              expires_at: z.string(),
              status: z.enum(['open', 'taken', 'expired', 'ended']),
            })
            .openapi('SeatInvitation'),
        },
      },
    },
    ...problemResponses(400, 404),
  },
});

const joinRoute = createRoute({
  method: 'post',
  path: '/v1/seats/join',
  operationId: 'joinSeat',
  tags: ['Seats'],
  summary: 'Take the seat an invitation offers',
  description:
    'Signed in with the invited address (the link proves the mailbox, so the address counts as confirmed). ' +
    'You are then entitled while the owner’s subscription is (token claim as the owner’s: `paid`, `grace` or ' +
    '`trial`); a free trial of your own still running is spent. 409 when the seat is taken, the link expired, the ' +
    'address differs, you pay a subscription, hold a seat or share your own.',
  security: readerSecurity,
  middleware: [requireReader],
  request: { body: jsonBody(z.object({ token: TokenParam }).openapi('JoinSeatRequest')) },
  responses: {
    200: {
      description: 'Joined',
      content: { 'application/json': { schema: z.object({ id: z.string(), from: z.string() }) } },
    },
    ...problemResponses(400, 401, 404, 409, 415),
  },
});

const readerSeatRoutes = new OpenAPIHono<ReaderEnv>()
  .openapi(listRoute, async (c) => {
    const o = await listSeats({ ctx: c.get('ctx'), principal: c.get('reader'), input: undefined });
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        limit: o.limit,
        quantity: o.quantity,
        data: o.seats.map(present),
        invite_refusal: o.inviteRefusal,
        holds: o.holds
          ? { id: o.holds.id, owner_email: o.holds.ownerEmail, joined_at: o.holds.joinedAt.toISOString() }
          : null,
      },
      200,
    );
  })
  .openapi(inviteRoute, async (c) => {
    const seat = await inviteSeat({
      ctx: c.get('ctx'),
      principal: { ...c.get('reader'), requestId: c.get('requestId') },
      input: { email: c.req.valid('json').email },
    });
    return c.json(present(seat), 201);
  })
  .openapi(removeRoute, async (c) => {
    await removeSeat({
      ctx: c.get('ctx'),
      principal: { ...c.get('reader'), requestId: c.get('requestId') },
      input: { id: c.req.valid('param').id },
    });
    return c.body(null, 204);
  })
  .openapi(leaveRoute, async (c) => {
    await leaveSeat({
      ctx: c.get('ctx'),
      principal: { ...c.get('reader'), requestId: c.get('requestId') },
      input: undefined,
    });
    return c.body(null, 204);
  })
  .openapi(joinRoute, async (c) => {
    const joined = await joinSeat({
      ctx: c.get('ctx'),
      principal: { ...c.get('reader'), requestId: c.get('requestId') },
      input: { token: c.req.valid('json').token },
    });
    return c.json(joined, 200);
  });

const publicSeatRoutes = new OpenAPIHono<AppEnv>().openapi(previewRoute, async (c) => {
  const seat = await previewSeat({ ctx: c.get('ctx'), input: { token: c.req.valid('param').token } });
  c.header('Cache-Control', 'no-store');
  return c.json(
    { from: seat.from, email: seat.email, expires_at: seat.expiresAt.toISOString(), status: seat.status },
    200,
  );
});

export const seatRoutes = new OpenAPIHono<AppEnv>().route('/', publicSeatRoutes).route('/', readerSeatRoutes);
