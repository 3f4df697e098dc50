/** @module Seats: the people an owner's subscription also covers (family and group plans), invited by email. */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { readers } from './readers';

export const seats = sqliteTable(
  'seats',
  {
    id: text('id').primaryKey(),
    /** Whose subscription pays for the seat; the seat goes with the owner's account. */
    ownerReaderId: text('owner_reader_id')
      .notNull()
      .references(() => readers.id, { onDelete: 'cascade' }),
    /** The invited address, normalised; only the reader with this address can take the seat. */
    email: text('email').notNull(),
    /** Who took it; null while the invitation is open. A member's account deletion frees the seat. */
    memberReaderId: text('member_reader_id').references(() => readers.id, { onDelete: 'cascade' }),
    /** SHA-256 of the invitation token (the token is only in the mailed link); null once taken. */
    tokenHash: text('token_hash').unique(),
    invitedAt: integer('invited_at', { mode: 'timestamp' }).notNull(),
    /** When the invitation link stops working. */
    expiresAt: integer('expires_at', { mode: 'timestamp' }).notNull(),
    joinedAt: integer('joined_at', { mode: 'timestamp' }),
  },
  (t) => [
    uniqueIndex('seats_owner_email_unique').on(t.ownerReaderId, t.email),
    // A reader sits in at most one seat.
    uniqueIndex('seats_member_unique').on(t.memberReaderId),
    index('seats_owner_idx').on(t.ownerReaderId),
  ],
);

export type SeatRow = typeof seats.$inferSelect;
