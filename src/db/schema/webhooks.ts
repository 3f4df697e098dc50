/** @module Outbound webhooks to publishers: endpoints, the messages (one per event and publisher), their deliveries and every attempt. */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { publishers } from './publishers';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * Where a publisher wants events. The signing secret must be read back to sign, so it is stored
 * encrypted (AES-GCM under a key derived from PAIRWISE_SECRET), never in plain text; after a
 * rotation the previous secret keeps signing alongside until `previous_secret_until`.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    publisherId: text('publisher_id')
      .notNull()
      .references(() => publishers.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description'),
    events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    /** Why the service disabled it (`failing`); null when enabled or disabled by the publisher. */
    disabledReason: text('disabled_reason'),
    secretSealed: text('secret_sealed').notNull(),
    previousSecretSealed: text('previous_secret_sealed'),
    previousSecretUntil: integer('previous_secret_until', { mode: 'timestamp' }),
    /** The first failed attempt since the last delivered one; null while deliveries succeed. */
    failingSince: integer('failing_since', { mode: 'timestamp' }),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [index('webhook_endpoints_publisher_idx').on(t.publisherId, t.createdAt)],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

/**
 * One event for one publisher, written in the batch of the change that causes it. `body` is the
 * JSON sent, byte for byte the same on every attempt and redelivery; `id` is the `webhook-id`.
 * `dedupe_key` makes an event announced once; `fanned_out` turns true once its deliveries exist.
 */
export const webhookMessages = sqliteTable(
  'webhook_messages',
  {
    id: text('id').primaryKey(),
    publisherId: text('publisher_id')
      .notNull()
      .references(() => publishers.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    body: text('body').notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    fannedOut: integer('fanned_out', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [index('webhook_messages_fan_out_idx').on(t.fannedOut, t.createdAt)],
);

/** One message to one endpoint: retried on its schedule until delivered or failed. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    messageId: text('message_id')
      .notNull()
      .references(() => webhookMessages.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull(),
    /** When the next attempt is due; moved on first by whoever sends (the lease). */
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp' }).notNull(),
    firstAttemptAt: integer('first_attempt_at', { mode: 'timestamp' }),
    lastAttemptAt: integer('last_attempt_at', { mode: 'timestamp' }),
    lastStatusCode: integer('last_status_code'),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_message_endpoint_idx').on(t.messageId, t.endpointId),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
  ],
);

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/** Every attempt of a delivery: when, how long, what the endpoint answered (or why it could not). */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    startedAt: integer('started_at', { mode: 'timestamp' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    /** The first bytes of the endpoint's answer. */
    response: text('response'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.startedAt)],
);

export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
