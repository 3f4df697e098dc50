/** @module One-time access codes: what `/access` hands a publisher's page and `/v1/access/exchange` redeems. */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { publishers } from './publishers';
import { readers, sessions } from './readers';

/**
 * A code is the SHA-256 of 32 random bytes (the code itself travels only in the redirect URL).
 * It is bound to one publisher, one reader session and, when given, one article; it lives 60
 * seconds and is spent by a conditional update, so two exchanges cannot both succeed. Spent rows
 * are kept for a day so that a replay is recognised (and logged) rather than looking unknown.
 */
export const accessCodes = sqliteTable(
  'access_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    publisherId: text('publisher_id')
      .notNull()
      .references(() => publishers.id, { onDelete: 'cascade' }),
    readerId: text('reader_id')
      .notNull()
      .references(() => readers.id, { onDelete: 'cascade' }),
    /** Signing out (or any end of the session) voids its pending codes with it. */
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    article: text('article'),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp' }),
  },
  (t) => [
    index('access_codes_expires_idx').on(t.expiresAt),
    // A reader's export and deletion, and the cascade of a session's end, find their codes by index.
    index('access_codes_reader_idx').on(t.readerId),
    index('access_codes_session_idx').on(t.sessionId),
  ],
);
