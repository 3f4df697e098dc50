/** @module Admin API of members: list, detail, trial end, comp, cancel through Stripe, revoke sessions, delete. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AdminEnv } from '../../app/env';
import { MEMBERSHIP_STATUSES } from '../../domain/membership';
import { rfc3339, rfc3339OrNull } from '../../domain/time';
import { adminSecurity, jsonBody, PageQuery, pageOf, problemResponses } from '../../http/openapi';
import { MembershipSchema, presentMembership, Timestamp } from '../../http/shapes';
import { deleteMember } from '../account';
import { adminPrincipal } from '../admin';
import { cancelMember, compMember, revokeSessions, setTrialEnd } from './actions';
import { listMembers, memberDetail } from './list';

export const MemberIdParams = z.object({
  id: z.string().min(1).max(64).openapi({ example: 'rdr_abcdefghijklmnopqrst' }),
});

const MemberSchema = z
  .object({
    id: z.string().openapi({ example: 'rdr_abcdefghijklmnopqrst' }),
    email: z.string().nullable(),
    created_at: Timestamp,
    membership: MembershipSchema.nullable(),
  })
  .openapi('Member');

const MemberDetailSchema = z
  .object({
    reader: z.object({
      id: z.string(),
      email: z.string().nullable(),
      created_at: Timestamp,
      deleted_at: Timestamp.nullable(),
      sessions_revoked_before: Timestamp.nullable(),
    }),
    membership: MembershipSchema.nullable(),
    comp_reason: z.string().nullable(),
    stripe: z.object({ customer_id: z.string().nullable(), subscription_id: z.string().nullable() }),
    events: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        outcome: z.string(),
        status_before: z.string().nullable(),
        status_after: z.string().nullable(),
        source: z.string(),
        created_at: Timestamp.openapi({ description: "Stripe's own time of the event." }),
        processed_at: Timestamp,
      }),
    ),
    active_sessions: z.number().int(),
    reads_last_30_days: z.number().int(),
  })
  .openapi('MemberDetail');

const membershipAnswer = {
  description: 'The membership',
  content: { 'application/json': { schema: MembershipSchema } },
};

const listRoute = createRoute({
  method: 'get',
  path: '/v1/admin/members',
  operationId: 'listMembers',
  tags: ['Admin'],
  summary: 'List members, newest first',
  description:
    '`status` filters by the status shown now (a trial that has run out is `expired`); `email` by a prefix ' +
    'of the normalised address. Deleted accounts are not listed. Pass `next_cursor` as `cursor` for the next page.',
  security: adminSecurity,
  request: {
    query: PageQuery.extend({
      status: z.enum(MEMBERSHIP_STATUSES).optional(),
      email: z.string().trim().min(1).max(254).optional().openapi({ example: 'ada@' }),
    }),
  },
  responses: {
    200: {
      description: 'A page of members',
      content: {
        'application/json': {
          schema: pageOf(MemberSchema),
        },
      },
    },
    ...problemResponses(400, 401),
  },
});

const detailRoute = createRoute({
  method: 'get',
  path: '/v1/admin/members/{id}',
  operationId: 'getMember',
  tags: ['Admin'],
  summary: 'One member: membership, Stripe ids, recent Stripe events, sessions and reads',
  security: adminSecurity,
  request: { params: MemberIdParams },
  responses: {
    200: { description: 'The member', content: { 'application/json': { schema: MemberDetailSchema } } },
    ...problemResponses(401, 404),
  },
});

const compRoute = createRoute({
  method: 'post',
  path: '/v1/admin/members/{id}/comp',
  operationId: 'compMember',
  tags: ['Admin'],
  summary: 'Grant free access until a time (membership `comped`)',
  description:
    'Refused (409) while the member has a running Stripe subscription (`active`, `past_due`): cancel it first.',
  security: adminSecurity,
  request: {
    params: MemberIdParams,
    body: jsonBody(
      z
        .object({
          until: z.iso.datetime({ offset: true }).openapi({ example: '2027-06-30T00:00:00Z' }),
          reason: z
            .string()
            .trim()
            .min(1)
            .max(500)
            .openapi({ example: 'Press pass for the election coverage' }),
        })
        .openapi('CompRequest'),
    ),
  },
  responses: { 200: membershipAnswer, ...problemResponses(400, 401, 403, 404, 409, 415) },
});

const cancelRoute = createRoute({
  method: 'post',
  path: '/v1/admin/members/{id}/cancel',
  operationId: 'cancelMemberSubscription',
  tags: ['Admin'],
  summary: "Cancel the member's Stripe subscription, at period end or now",
  description:
    'Cancels at Stripe and applies the result at once (the webhook that follows changes nothing more). ' +
    '409 when the member has no Stripe subscription; 503 when Stripe fails (safe to retry).',
  security: adminSecurity,
  request: {
    params: MemberIdParams,
    body: jsonBody(
      z.object({ at_period_end: z.boolean().openapi({ example: true }) }).openapi('CancelRequest'),
    ),
  },
  responses: { 200: membershipAnswer, ...problemResponses(400, 401, 403, 404, 409, 415, 503) },
});

const revokeRoute = createRoute({
  method: 'post',
  path: '/v1/admin/members/{id}/revoke-sessions',
  operationId: 'revokeMemberSessions',
  tags: ['Admin'],
  summary: 'End every session of the member; introspection refuses tokens issued before now',
  security: adminSecurity,
  request: { params: MemberIdParams },
  responses: { 204: { description: 'Sessions ended' }, ...problemResponses(401, 403, 404) },
});

const trialRoute = createRoute({
  method: 'post',
  path: '/v1/admin/members/{id}/trial',
  operationId: 'setMemberTrialEnd',
  tags: ['Admin'],
  summary: "Set a member's free-trial end (a time in the past ends it)",
  security: adminSecurity,
  request: {
    params: MemberIdParams,
    body: jsonBody(
      z.object({
        ends_at: z.iso.datetime({ offset: true }).openapi({ example: '2026-12-11T22:50:00Z' }),
      }),
    ),
  },
  responses: {
    200: { description: 'The membership', content: { 'application/json': { schema: MembershipSchema } } },
    ...problemResponses(400, 401, 403, 404, 409, 415),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/admin/members/{id}',
  operationId: 'deleteMember',
  tags: ['Admin'],
  summary: 'Delete a member, as `DELETE /v1/me` does',
  security: adminSecurity,
  request: { params: MemberIdParams },
  responses: {
    204: { description: 'Deleted (and written to the audit log)' },
    ...problemResponses(401, 403, 404, 503),
  },
});

export const memberRoutes = new OpenAPIHono<AdminEnv>()
  .openapi(listRoute, async (c) => {
    const ctx = c.get('ctx');
    const page = await listMembers({ ctx, principal: adminPrincipal(c), input: c.req.valid('query') });
    const now = ctx.now();
    const data = page.data.map(({ reader, membership }) => ({
      id: reader.id,
      email: reader.email,
      created_at: rfc3339(reader.createdAt),
      membership: presentMembership(membership, now),
    }));
    return c.json({ data, next_cursor: page.nextCursor }, 200);
  })
  .openapi(detailRoute, async (c) => {
    const ctx = c.get('ctx');
    const d = await memberDetail({
      ctx,
      principal: adminPrincipal(c),
      input: { readerId: c.req.valid('param').id },
    });
    return c.json(
      {
        reader: {
          id: d.reader.id,
          email: d.reader.email,
          created_at: rfc3339(d.reader.createdAt),
          deleted_at: rfc3339OrNull(d.reader.deletedAt),
          sessions_revoked_before: rfc3339OrNull(d.reader.revokedBefore),
        },
        membership: presentMembership(d.membership, ctx.now()),
        comp_reason: d.membershipRow?.compReason ?? null,
        stripe: {
          customer_id: d.membershipRow?.stripeCustomerId ?? null,
          subscription_id: d.membershipRow?.stripeSubscriptionId ?? null,
        },
        events: d.events.map((e) => ({
          id: e.id,
          type: e.type,
          outcome: e.outcome,
          status_before: e.statusBefore,
          status_after: e.statusAfter,
          source: e.source,
          created_at: rfc3339(e.stripeCreatedAt),
          processed_at: rfc3339(e.processedAt),
        })),
        active_sessions: d.activeSessions,
        reads_last_30_days: d.readsLast30Days,
      },
      200,
    );
  })
  .openapi(compRoute, async (c) => {
    const ctx = c.get('ctx');
    const body = c.req.valid('json');
    const membership = await compMember({
      ctx,
      principal: adminPrincipal(c),
      input: {
        readerId: c.req.valid('param').id,
        until: new Date(body.until),
        reason: body.reason,
      },
    });
    return c.json(presentMembership(membership, ctx.now()) ?? membershipMissing(), 200);
  })
  .openapi(cancelRoute, async (c) => {
    const ctx = c.get('ctx');
    const membership = await cancelMember({
      ctx,
      principal: adminPrincipal(c),
      input: {
        readerId: c.req.valid('param').id,
        atPeriodEnd: c.req.valid('json').at_period_end,
      },
    });
    return c.json(presentMembership(membership, ctx.now()) ?? membershipMissing(), 200);
  })
  .openapi(revokeRoute, async (c) => {
    await revokeSessions({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { readerId: c.req.valid('param').id },
    });
    return c.body(null, 204);
  })
  .openapi(trialRoute, async (c) => {
    const ctx = c.get('ctx');
    const membership = await setTrialEnd({
      ctx,
      principal: adminPrincipal(c),
      input: {
        readerId: c.req.valid('param').id,
        endsAt: new Date(c.req.valid('json').ends_at),
      },
    });
    return c.json(presentMembership(membership, ctx.now()) ?? membershipMissing(), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteMember({
      ctx: c.get('ctx'),
      principal: adminPrincipal(c),
      input: { readerId: c.req.valid('param').id },
    });
    return c.body(null, 204);
  });

/** presentMembership returns null only for no membership; a use-case that returned one cannot. */
function membershipMissing(): never {
  throw new Error('membership vanished');
}
