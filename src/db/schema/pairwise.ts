/** @module Pairwise subjects: which reader is behind each per-publisher `sub` the service has issued. */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { publishers } from './publishers';
import { readers } from './readers';

/**
 * A token's `sub` is HMAC(PAIRWISE_SECRET, publisher ‖ reader): stable and unlinkable across
 * publishers, but not reversible. Introspection and read accounting must find the reader behind
 * it, so each (publisher, subject) is remembered here when a token is issued (an idempotent
 * insert). Deleting an account deletes its rows: its anonymous reads can no longer be linked back.
 */
export const pairwiseSubjects = sqliteTable(
  'pairwise_subjects',
  {
    publisherId: text('publisher_id')
      .notNull()
      .references(() => publishers.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    readerId: text('reader_id')
      .notNull()
      .references(() => readers.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.publisherId, t.subject] }),
    index('pairwise_subjects_reader_idx').on(t.readerId),
  ],
);
