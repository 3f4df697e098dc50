/** @module Readers, their sessions, their memberships and the trial ledger. */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { MEMBERSHIP_STATUSES, PLANS } from '../../domain/membership';

const createdAt = () => integer('created_at', { mode: 'timestamp' }).notNull().default(sql`(unixepoch())`);

export const readers = sqliteTable(
  'readers',
  {
    id: text('id').primaryKey(),
    /** The address as typed (trimmed), for mail. Erased when the account is deleted. */
    email: text('email'),
    /** Trimmed, lower-cased: accounts are unique by it and sign-in looks it up. */
    emailKey: text('email_key').unique(),
    /** Plus-tags and Gmail dots removed: one live account and one trial per person. */
    trialIdentity: text('trial_identity').unique(),
    passwordHash: text('password_hash'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp' }).notNull(),
    deletedAt: integer('deleted_at', { mode: 'timestamp' }),
    /** Sessions and entitlement tokens issued before this instant are void (admin revoke). */
    revokedBefore: integer('revoked_before', { mode: 'timestamp' }),
    /** When the reader last proved the address is theirs (a mailed sign-in link or code); null: never. */
    emailVerifiedAt: integer('email_verified_at', { mode: 'timestamp' }),
  },
  (t) => [
    // The admin members list pages newest first by (created_at, id).
    index('readers_created_idx').on(t.createdAt, t.id),
  ],
);

export type ReaderRow = typeof readers.$inferSelect;

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    readerId: text('reader_id')
      .notNull()
      .references(() => readers.id, { onDelete: 'cascade' }),
    /** SHA-256 of the session token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    expiresAt: integer('expires_at', { mode: 'timestamp' }).notNull(),
    /** The browser or app that signed in (its User-Agent, cut to 200 characters), for the device list. */
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_reader_idx').on(t.readerId)],
);

export const memberships = sqliteTable(
  'memberships',
  {
    readerId: text('reader_id')
      .primaryKey()
      .references(() => readers.id, { onDelete: 'cascade' }),
    status: text('status', { enum: MEMBERSHIP_STATUSES }).notNull(),
    plan: text('plan', { enum: PLANS }),
    trialEndsAt: integer('trial_ends_at', { mode: 'timestamp' }),
    currentPeriodEnd: integer('current_period_end', { mode: 'timestamp' }),
    cancelAtPeriodEnd: integer('cancel_at_period_end', { mode: 'boolean' }).notNull().default(false),
    graceUntil: integer('grace_until', { mode: 'timestamp' }),
    compUntil: integer('comp_until', { mode: 'timestamp' }),
    compReason: text('comp_reason'),
    endedReason: text('ended_reason', { enum: ['trial_expired', 'canceled', 'payment_failed'] }),
    stripeCustomerId: text('stripe_customer_id').unique(),
    stripeSubscriptionId: text('stripe_subscription_id'),
    /** The end of a period whose payment was fully refunded: that period grants nothing. */
    refundedThrough: integer('refunded_through', { mode: 'timestamp' }),
    /** Optimistic concurrency for billing updates: each write moves it on by one. */
    version: integer('version').notNull().default(0),
    /** The Stripe event whose write produced this version: how a batch knows its own write landed. */
    lastEventId: text('last_event_id'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [
    // Status counts (metrics) and the churn of a period: by status, then the instant it is bounded by.
    index('memberships_status_period_end_idx').on(t.status, t.currentPeriodEnd),
    index('memberships_status_updated_idx').on(t.status, t.updatedAt),
    index('memberships_subscription_idx').on(t.stripeSubscriptionId),
    // The metrics' members still in a trial, a comp or a grace period now: bounded ranges.
    index('memberships_status_trial_end_idx').on(t.status, t.trialEndsAt),
    index('memberships_status_comp_idx').on(t.status, t.compUntil),
    index('memberships_status_grace_idx').on(t.status, t.graceUntil),
  ],
);

/**
 * Memberships of readers not deleted, by stored status, kept by triggers (migration 0023) in the
 * same transaction as every change: the metrics count members from here and a few bounded
 * ranges, never by reading every membership.
 */
export const memberCounts = sqliteTable('member_counts', {
  status: text('status', { enum: MEMBERSHIP_STATUSES }).primaryKey(),
  n: integer('n').notNull(),
});

/**
 * Running counts by kind and bucket, kept by triggers (migration 0024) in the transaction of every
 * change, so the metrics sum a few buckets instead of counting rows:
 * - `open:<status>` and `open:gift`: members of readers not deleted whose trial, last period, comp
 *   or grace period (or gift comp) ends in hour `at` (hours since the epoch);
 * - `signup:trial` and `signup:converted`: readers who signed up on day `at` (days since the epoch)
 *   with a trial, and of those the ones with a paid Stripe event;
 * - `churn:expired` and `churn:canceled`: paid members who expired (by day updated) or whose
 *   canceled subscription ends (by day of the period's end) on day `at`.
 */
export const countBuckets = sqliteTable(
  'count_buckets',
  {
    kind: text('kind').notNull(),
    at: integer('at').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.at] })],
);

/**
 * One row per person who has ever had a free trial: a keyed hash (HMAC under PAIRWISE_SECRET) of
 * the normalised email, kept when the account is deleted so the trial cannot be taken twice.
 */
export const trialClaims = sqliteTable('trial_claims', {
  identityHash: text('identity_hash').primaryKey(),
  claimedAt: integer('claimed_at', { mode: 'timestamp' }).notNull(),
});
