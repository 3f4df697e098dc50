/** @module Who may use the consoles: publisher staff and operator (admin) users, by their reader account's address. */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { ADMIN_ROLES, publishers } from './publishers';

export const STAFF_ROLES = ['owner', 'viewer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * A person invited by an admin to a publisher's console. They sign in as readers do; the grant is
 * keyed by the normalised address (`readers.email_key`) and counts only once that address has been
 * confirmed, so signing up with someone else's address opens nothing.
 */
export const publisherStaff = sqliteTable(
  'publisher_staff',
  {
    publisherId: text('publisher_id')
      .notNull()
      .references(() => publishers.id, { onDelete: 'cascade' }),
    emailKey: text('email_key').notNull(),
    /** The address as the admin typed it, for the invitation mail and the staff list. */
    email: text('email').notNull(),
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    /** The actor (admin key, admin user or owner) that invited them. */
    invitedBy: text('invited_by').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.publisherId, t.emailKey] }),
    index('publisher_staff_email_idx').on(t.emailKey),
  ],
);

export type PublisherStaffRow = typeof publisherStaff.$inferSelect;

/**
 * An operator who signs in to the admin console, with the roles the admin keys have (`admin`
 * changes, `support` reads). As for staff, the grant is by confirmed address.
 */
export const adminUsers = sqliteTable('admin_users', {
  emailKey: text('email_key').primaryKey(),
  email: text('email').notNull(),
  role: text('role', { enum: ADMIN_ROLES }).notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
});

export type AdminUserRow = typeof adminUsers.$inferSelect;

/**
 * A publisher's API keys: several may be live at once, so a key can be rotated without downtime
 * (create the new one, deploy it, revoke the old). Stored as SHA-256; shown once.
 */
export const publisherKeys = sqliteTable(
  'publisher_keys',
  {
    id: text('id').primaryKey(),
    publisherId: text('publisher_id')
      .notNull()
      .references(() => publishers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    keyPrefix: text('key_prefix').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp' }),
  },
  (t) => [index('publisher_keys_publisher_idx').on(t.publisherId)],
);

export type PublisherKeyRow = typeof publisherKeys.$inferSelect;

/**
 * One number per UTC day and metric (`members.active`, `members.past_due`…), recorded by the
 * scheduled job: what the operator console draws over time, since memberships keep only their
 * present state.
 */
export const dailyMetrics = sqliteTable(
  'daily_metrics',
  {
    day: text('day').notNull(),
    metric: text('metric').notNull(),
    value: integer('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.metric] })],
);
