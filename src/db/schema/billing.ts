/** @module Billing records: Stripe events applied (once each), the outbox of mail, and job cursors. */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { MEMBERSHIP_STATUSES } from '../../domain/membership';
import { readers } from './readers';

/**
 * Every Stripe event id that has taken effect, written in the same batch as its effect: a
 * redelivered event finds its row and changes nothing. Doubles as each reader's billing history.
 */
export const stripeEvents = sqliteTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** Stripe's own `created` of the event. */
    stripeCreatedAt: integer('stripe_created_at', { mode: 'timestamp' }).notNull(),
    readerId: text('reader_id').references(() => readers.id, { onDelete: 'set null' }),
    /** `applied`, `unchanged`, `ignored` (a type we do not handle) or `unmatched` (no reader found). */
    outcome: text('outcome', { enum: ['applied', 'unchanged', 'ignored', 'unmatched'] }).notNull(),
    statusBefore: text('status_before', { enum: MEMBERSHIP_STATUSES }),
    statusAfter: text('status_after', { enum: MEMBERSHIP_STATUSES }),
    /** `webhook`, `reconcile`, or `retry` (a held event applied once its subject appeared). */
    source: text('source', { enum: ['webhook', 'reconcile', 'retry'] }).notNull(),
    processedAt: integer('processed_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [index('stripe_events_reader_idx').on(t.readerId, t.processedAt)],
);

/**
 * Events that matched no membership yet (a refund or a customer deletion that arrived before the
 * event that links its customer or subscription): kept, not recorded as processed, and applied
 * again when a membership gets linked to their subject, and at every reconciliation, until they
 * match or grow too old to (then they are recorded `unmatched`).
 */
export const stripePendingEvents = sqliteTable(
  'stripe_pending_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    stripeCreatedAt: integer('stripe_created_at', { mode: 'timestamp' }).notNull(),
    customerId: text('customer_id'),
    subscriptionId: text('subscription_id'),
    /** The verified event as Stripe sent it, to apply again without asking Stripe. */
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp' }).notNull(),
    attempts: integer('attempts').notNull().default(1),
  },
  (t) => [
    index('stripe_pending_customer_idx').on(t.customerId),
    index('stripe_pending_subscription_idx').on(t.subscriptionId),
    index('stripe_pending_seen_idx').on(t.firstSeenAt),
  ],
);

export const OUTBOX_STATUSES = ['pending', 'sent', 'dead'] as const;

/** Mail waiting to be sent: written with the change that causes it, sent (and retried) after. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    /** Makes enqueueing idempotent, e.g. `trial_will_end:<event id>`. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    readerId: text('reader_id').references(() => readers.id, { onDelete: 'set null' }),
    toAddress: text('to_address'),
    template: text('template').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp' }).notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
    sentAt: integer('sent_at', { mode: 'timestamp' }),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    // A reader's mail, newest first (their export); also serves the reader_id set-null on deletion.
    index('outbox_reader_created_idx').on(t.readerId, t.createdAt),
  ],
);

/** Cursors and bookkeeping of scheduled jobs (reconciliation), so a run can resume where the last stopped. */
export const jobState = sqliteTable('job_state', {
  name: text('name').primaryKey(),
  cursor: text('cursor'),
  /** Unix seconds: lower bound of the window the job is working through. */
  windowStart: integer('window_start'),
  lastRunAt: integer('last_run_at', { mode: 'timestamp' }),
  lastResult: text('last_result', { mode: 'json' }).$type<Record<string, unknown>>(),
});
