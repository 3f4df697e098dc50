/** @module JSON shapes shared across features: the reader, membership, entitlement and publisher, and their presenters. */
import { z } from '@hono/zod-openapi';
import type { PublisherRow, ReaderRow } from '../db/schema';
import { EMAIL_MESSAGE, isPlausibleEmail } from '../domain/email';
import {
  DENIAL_REASONS,
  type Entitlement,
  effectiveMembership,
  MEMBERSHIP_STATUSES,
  type Membership,
  PLANS,
} from '../domain/membership';
import { rfc3339, rfc3339OrNull } from '../domain/time';

/**
 * An email address as sent by a client: one that normalises to a mailbox (domain in ASCII, no
 * trailing dot, quotes dropped where they change nothing); anything else is 400 with one message.
 */
export const EmailSchema = z
  .string()
  .max(320, { error: 'Email is too long' })
  .refine(isPlausibleEmail, { error: EMAIL_MESSAGE })
  .openapi({ example: 'reader@example.com', format: 'email' });

export const Timestamp = z.string().openapi({ example: '2026-12-11T22:50:00Z', format: 'date-time' });

export const ReaderSchema = z
  .object({
    id: z.string().openapi({ example: 'rdr_abcdefghijklmnopqrst' }),
    email: z.string(),
    created_at: Timestamp,
    email_verified_at: Timestamp.nullable().openapi({
      description:
        'When the reader last proved the address is theirs (a mailed sign-in link or code); null: never.',
    }),
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
    reason: z.enum(DENIAL_REASONS).nullable(),
    until: Timestamp.nullable(),
  })
  .openapi('Entitlement');

export const PublisherSchema = z
  .object({
    id: z.string().openapi({ example: 'pub_abcdefghijklmnopqrst' }),
    name: z.string(),
    origins: z.array(z.string()),
    description: z.string().nullable(),
    homepage_url: z.string().nullable(),
    logo_url: z.string().nullable(),
    api_key_prefix: z.string().openapi({ description: 'The first characters of the current API key.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Publisher');

export function presentReader(reader: ReaderRow) {
  return {
    id: reader.id,
    email: reader.email ?? '',
    created_at: rfc3339(reader.createdAt),
    email_verified_at: rfc3339OrNull(reader.emailVerifiedAt),
  };
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
    description: p.description,
    homepage_url: p.homepageUrl,
    logo_url: p.logoUrl,
    api_key_prefix: p.apiKeyPrefix,
    created_at: rfc3339(p.createdAt),
    updated_at: rfc3339(p.updatedAt),
  };
}
