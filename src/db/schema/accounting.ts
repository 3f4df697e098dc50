/** @module Per-read accounting and the payout statements computed from it. */

import { index, integer, primaryKey, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core';
import { ENTITLEMENT_KINDS } from '../../domain/membership';
import { publishers } from './publishers';
import { readers } from './readers';

/**
 * One row per pairwise reader, article and UTC day for a publisher: the primary key makes
 * `POST /v1/reads` idempotent under retries. `reader_id` links the read to the account for the
 * reader's own export and the admin view; it is cleared when the account is deleted, leaving the
 * anonymous (pairwise) read for the publisher's numbers and payouts.
 */
export const reads = sqliteTable(
  'reads',
  {
    publisherId: text('publisher_id')
      .notNull()
      .references(() => publishers.id, { onDelete: 'cascade' }),
    /** The token's pairwise `sub`: stable per publisher, not the reader id. */
    subject: text('subject').notNull(),
    articleId: text('article_id').notNull(),
    /** UTC day, `YYYY-MM-DD`. */
    day: text('day').notNull(),
    readerId: text('reader_id').references(() => readers.id, { onDelete: 'set null' }),
    /** The token's `membership` claim at the time: trial, paid, grace or comp. */
    membership: text('membership', { enum: ENTITLEMENT_KINDS }).notNull(),
    title: text('title'),
    url: text('url'),
    /**
     * Whether the token was issued for this very article. A read through an unbound token counts
     * only within the daily allowance of its reader and publisher (READS_UNBOUND_DAILY).
     */
    articleBound: integer('article_bound', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.publisherId, t.subject, t.articleId, t.day] }),
    // The daily allowance of unbound reads is counted per (publisher, reader, day).
    index('reads_subject_day_idx').on(t.publisherId, t.subject, t.day),
    index('reads_publisher_day_idx').on(t.publisherId, t.day),
    index('reads_day_idx').on(t.day),
    // A reader's own reading history pages newest first; also serves the reader_id cascade.
    index('reads_reader_created_idx').on(t.readerId, t.createdAt),
  ],
);

export const READ_REFUSALS = [
  'daily_allowance',
  'other_article',
  'other_publisher',
  'inactive_token',
] as const;

/**
 * Reads that were reported and not counted, per publisher, UTC day and reason: what admins watch
 * for a publisher trying to raise its share (docs/SECURITY.md).
 */
export const readRefusals = sqliteTable(
  'read_refusals',
  {
    publisherId: text('publisher_id')
      .notNull()
      .references(() => publishers.id, { onDelete: 'cascade' }),
    day: text('day').notNull(),
    reason: text('reason', { enum: READ_REFUSALS }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.publisherId, t.day, t.reason] }),
    index('read_refusals_day_idx').on(t.day),
  ],
);

/** A month's payout statement: stored once per month and currency, never changed afterwards. */
export const payouts = sqliteTable(
  'payouts',
  {
    id: text('id').primaryKey(),
    /** `YYYY-MM` (UTC). */
    month: text('month').notNull(),
    currency: text('currency').notNull(),
    /** Integer minor units. */
    amount: integer('amount').notNull(),
    /** All reads of the month that the amount was split by. */
    reads: integer('reads').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
    createdBy: text('created_by').notNull(),
    /**
     * The statement's Merkle root (hex, docs/STATEMENTS.md) and the signed statement (a compact
     * JWS, `typ: statement+jwt`). Null on statements made before statements were signed, until
     * they are first fetched and signed then.
     */
    root: text('root'),
    statement: text('statement'),
  },
  (t) => [unique('payouts_month_currency_unique').on(t.month, t.currency)],
);

export type PayoutRow = typeof payouts.$inferSelect;

export const payoutLines = sqliteTable(
  'payout_lines',
  {
    payoutId: text('payout_id')
      .notNull()
      .references(() => payouts.id, { onDelete: 'cascade' }),
    publisherId: text('publisher_id').notNull(),
    /** The publisher's name when the statement was made (statements never change). */
    publisherName: text('publisher_name').notNull(),
    reads: integer('reads').notNull(),
    amount: integer('amount').notNull(),
    /** The root (hex) of the subtree of this publisher's reads; null until the statement is signed. */
    root: text('root'),
  },
  (t) => [primaryKey({ columns: [t.payoutId, t.publisherId] })],
);

export type PayoutLineRow = typeof payoutLines.$inferSelect;

/**
 * The meter: one row per free article a reader opened in a calendar month (UTC), across every
 * publisher. The primary key makes an article count once however often it is opened; the
 * allowance (METER_FREE_ARTICLES) is enforced by a conditional insert.
 */
export const meterArticles = sqliteTable(
  'meter_articles',
  {
    readerId: text('reader_id')
      .notNull()
      .references(() => readers.id, { onDelete: 'cascade' }),
    /** UTC month, `YYYY-MM`. */
    month: text('month').notNull(),
    publisherId: text('publisher_id')
      .notNull()
      .references(() => publishers.id, { onDelete: 'cascade' }),
    articleId: text('article_id').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.readerId, t.month, t.publisherId, t.articleId] })],
);

/**
 * Where the reads ledger (docs/LEDGER.md) stands for each UTC day once the day has ended: the
 * `reads` rowid the copy into the day's period ledger has reached, how many reads it copied, and
 * when the day was sealed (every read of the day is in the ledger; nothing more can be added).
 */
export const ledgerDays = sqliteTable('ledger_days', {
  day: text('day').primaryKey(),
  cursor: integer('cursor').notNull().default(0),
  moved: integer('moved').notNull().default(0),
  sealedAt: integer('sealed_at', { mode: 'timestamp' }),
  /** When the day's rows began leaving `reads` (READS_HOT_DAYS): its reports come from `read_days` since. */
  trimmedAt: integer('trimmed_at', { mode: 'timestamp' }),
});

/**
 * Each sealed day's reads and unique (pairwise) readers per publisher, added page by page as the
 * day is sealed into the ledger: what the read reports answer for days `reads` no longer keeps
 * (READS_HOT_DAYS).
 */
export const readDays = sqliteTable(
  'read_days',
  {
    publisherId: text('publisher_id').notNull(),
    day: text('day').notNull(),
    reads: integer('reads').notNull(),
    readers: integer('readers').notNull(),
  },
  (t) => [primaryKey({ columns: [t.publisherId, t.day] }), index('read_days_day_idx').on(t.day)],
);

/**
 * A month whose ledger was archived (R2 or files) and checked against its signed statement: its
 * leaves are then served from the archive, and its period databases are free for reuse.
 */
export const ledgerMonths = sqliteTable('ledger_months', {
  month: text('month').primaryKey(),
  /** The archive key of the month's manifest (publishers, their roots and chunk keys). */
  manifest: text('manifest').notNull(),
  reads: integer('reads').notNull(),
  archivedAt: integer('archived_at', { mode: 'timestamp' }).notNull(),
});
