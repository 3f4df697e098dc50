/** @module Fixed-window counters for the database-backed rate limiter. */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const rateLimits = sqliteTable(
  'rate_limits',
  {
    /** `<limit name>:<subject>`; the subject (IP, email, key) is hashed, never stored in clear. */
    key: text('key').notNull(),
    /** Unix seconds at which the window began. */
    windowStart: integer('window_start').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index('rate_limits_window_idx').on(t.windowStart)],
);
