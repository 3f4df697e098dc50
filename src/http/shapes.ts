/** @module JSON shapes of the API: zod schemas (validation + OpenAPI) and presenters from domain objects. */
import { z } from '@hono/zod-openapi';
import {
  type Entitlement,
  effectiveMembership,
  MEMBERSHIP_STATUSES,
  type Membership,
  PLANS,
} from '../domain/membership';
import { rfc3339, rfc3339OrNull } from '../domain/time';
import type { PublisherRow } from '../features/publishers/keys';
import type { ReaderRow } from '../features/readers/sessions';

const Timestamp = z.string().openapi({ example: '2026-12-11T22:50:00Z', format: 'date-time' });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    request_id: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    reason: z.string().optional(),
    subscribe_url: z.string().optional(),
  })
  .openapi('Problem');

export const ReaderSchema = z
  .object({
    id: z.string().openapi({ example: 'rdr_abcdefghijklmnopqrst' }),
    email: z.string(),
    created_at: Timestamp,
  })
  .openapi('Reader');

export const MembershipSchema = z
  .object({
    status: z.enum(MEMBERSHIP_STATUSES),
    trial_ends_at: Timestamp.nullable(),
    current_period_end: Timestamp.nullable(),
    cancel_at_period_end: z.boolean(),
    grace_until: Timestamp.nullable(),
    comp_until: Timestamp.nullable(),
    plan: z.enum(PLANS).nullable(),
  })
  .openapi('Membership');

export const EntitlementSchema = z
  .object({
    entitled: z.boolean(),
    reason: z.enum(['trial_expired', 'canceled', 'payment_failed', 'no_membership', 'deleted']).nullable(),
    until: Timestamp.nullable(),
  })
  .openapi('Entitlement');

export const PublisherSchema = z
  .object({
    id: z.string().openapi({ example: 'pub_abcdefghijklmnopqrst' }),
    name: z.string(),
    origins: z.array(z.string()),
    api_key_prefix: z.string().openapi({ description: 'The first characters of the current API key.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Publisher');

export function presentReader(reader: ReaderRow) {
  return { id: reader.id, email: reader.email ?? '', created_at: rfc3339(reader.createdAt) };
}

/** The membership as the reader sees it now: time-based ends (trial over, period over) applied. */
export function presentMembership(membership: Membership | null, now: Date) {
  if (!membership) return null;
  const m = effectiveMembership(membership, now);
  return {
    status: m.status,
    trial_ends_at: rfc3339OrNull(m.trialEndsAt),
    current_period_end: rfc3339OrNull(m.currentPeriodEnd),
    cancel_at_period_end: m.cancelAtPeriodEnd,
    grace_until: rfc3339OrNull(m.graceUntil),
    comp_until: rfc3339OrNull(m.compUntil),
    plan: m.plan,
  };
}

export function presentEntitlement(entitlement: Entitlement) {
  return {
    entitled: entitlement.entitled,
    reason: entitlement.reason,
    until: rfc3339OrNull(entitlement.until),
  };
}

export function presentPublisher(p: PublisherRow) {
  return {
    id: p.id,
    name: p.name,
    origins: p.origins,
    api_key_prefix: p.apiKeyPrefix,
    created_at: rfc3339(p.createdAt),
    updated_at: rfc3339(p.updatedAt),
  };
}

export function problemResponses<const S extends readonly number[]>(...statuses: S) {
  const descriptions: Record<number, string> = {
    400: 'Invalid request',
    401: 'Not authenticated',
    402: 'Not entitled',
    403: 'Forbidden',
    404: 'Not found',
    409: 'Conflict',
    413: 'Payload too large',
    415: 'Unsupported media type',
    429: 'Rate limited',
    503: 'A dependency failed; safe to retry',
  };
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: descriptions[s] ?? 'Error',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  ) as {
    [K in S[number]]: {
      description: string;
      content: { 'application/problem+json': { schema: typeof ProblemSchema } };
    };
  };
}

/** The paging query of every list: `limit` 1–100 (default 20) and the opaque `cursor` of the previous page. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** The shape of every list: `{data, next_cursor}` (null on the last page). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

/*
 * The security requirements of the routes, declared once. Typed explicitly: an inferred `never[]`
 * here breaks zod-openapi's input inference.
 */
/** A required JSON request body validated by `schema`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true as const,
});

export const readerSecurity: Record<string, string[]>[] = [{ session: [] }, { sessionCookie: [] }];
export const adminSecurity: Record<string, string[]>[] = [{ adminKey: [] }];
export const publisherSecurity: Record<string, string[]>[] = [{ publisherKey: [] }];
