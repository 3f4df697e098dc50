/** @module Account lifecycle records: one-time password reset and sign-in-by-mail tokens (stored hashed). */
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

/**
 * A sign-in by mail: one link and one 6-digit code, valid 15 minutes, single use. Not tied to a
 * reader row: an address without an account signs up with it. The link's token and the code are
 * derived from a random reference under PAIRWISE_SECRET at send time; only keyed hashes are here.
 */
export const emailSignIns = sqliteTable(
  'email_sign_ins',
  {
    /** SHA-256 of the token in the mailed link. */
    tokenHash: text('token_hash').primaryKey(),
    /** HMAC(PAIRWISE_SECRET, email_key ‖ code): a 6-digit code is too small a space for a plain hash. */
    codeHash: text('code_hash').notNull(),
    /** The normalised address (`readers.email_key`), and the address as typed, for a new account. */
    emailKey: text('email_key').notNull(),
    email: text('email').notNull(),
    /** Where the reader goes after signing in from the page (a same-origin path), if anywhere. */
    next: text('next'),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp' }),
  },
  (t) => [index('email_sign_ins_code_idx').on(t.codeHash), index('email_sign_ins_email_idx').on(t.emailKey)],
);
