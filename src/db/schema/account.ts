/** @module Account lifecycle records: one-time password reset tokens (stored hashed). */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { readers } from './readers';

export const passwordResets = sqliteTable(
  'password_resets',
  {
    /** SHA-256 of the token mailed to the reader; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    readerId: text('reader_id')
      .notNull()
      .references(() => readers.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp' }),
  },
  (t) => [index('password_resets_reader_idx').on(t.readerId)],
);
