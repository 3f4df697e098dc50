/** @module Publishers (their hashed API keys and allowed origins) and admin keys. */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const publishers = sqliteTable(
  'publishers',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** For readers, on `/titles`: a sentence or two on what the title publishes. */
    description: text('description'),
    /** The title's front page (https), linked from `/titles`. */
    homepageUrl: text('homepage_url'),
    /** A square logo (https image URL) shown on `/titles`. */
    logoUrl: text('logo_url'),
    /** JSON array of origins (`https://news.example`) that `/access` may send readers back to. */
    origins: text('origins', { mode: 'json' }).$type<string[]>().notNull(),
    /** SHA-256 of the API key; the key is shown once at creation or rotation. */
    apiKeyHash: text('api_key_hash').notNull().unique(),
    /** The key's first characters, to recognise it in the admin API without revealing it. */
    apiKeyPrefix: text('api_key_prefix').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull().default(sql`(unixepoch())`),
    updatedAt: integer('updated_at', { mode: 'timestamp' }).notNull(),
  },
  // The admin list pages newest first by (created_at, id), as every list does.
  (t) => [index('publishers_created_idx').on(t.createdAt, t.id)],
);

export type PublisherRow = typeof publishers.$inferSelect;

export const ADMIN_ROLES = ['admin', 'support'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const adminKeys = sqliteTable('admin_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  role: text('role', { enum: ADMIN_ROLES }).notNull(),
  keyHash: text('key_hash').notNull().unique(),
  keyPrefix: text('key_prefix').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp' }).notNull().default(sql`(unixepoch())`),
  revokedAt: integer('revoked_at', { mode: 'timestamp' }),
});

export type AdminKeyRow = typeof adminKeys.$inferSelect;
