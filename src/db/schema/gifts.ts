/** @module Gifts: months of membership bought for someone (a one-time Checkout payment), redeemed by a link. */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { readers } from './readers';

/** `pending`: Checkout open; `paid`: redeemable; `redeemed`; `void`: refunded before redemption (or abandoned). */
export const GIFT_STATUSES = ['pending', 'paid', 'redeemed', 'void'] as const;
export type GiftStatus = (typeof GIFT_STATUSES)[number];

export const gifts = sqliteTable(
  'gifts',
  {
    id: text('id').primaryKey(),
    /** Who bought it; null once the buyer's account is deleted (the gift itself stays redeemable). */
    buyerReaderId: text('buyer_reader_id').references(() => readers.id, { onDelete: 'set null' }),
    buyerEmail: text('buyer_email').notNull(),
    recipientEmail: text('recipient_email').notNull(),
    recipientName: text('recipient_name'),
    message: text('message'),
    months: integer('months').notNull(),
    /** What was charged, in the currency's minor unit. */
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: GIFT_STATUSES }).notNull().default('pending'),
    /** SHA-256 of the redemption token; the token is only in the links mailed and shown to the buyer. */
    tokenHash: text('token_hash').notNull().unique(),
    stripeCheckoutSessionId: text('stripe_checkout_session_id').unique(),
    stripePaymentIntentId: text('stripe_payment_intent_id').unique(),
    redeemedBy: text('redeemed_by').references(() => readers.id, { onDelete: 'set null' }),
    redeemedAt: integer('redeemed_at', { mode: 'timestamp' }),
    /** The end of the gift membership it gave (exclusive). */
    endsAt: integer('ends_at', { mode: 'timestamp' }),
    paidAt: integer('paid_at', { mode: 'timestamp' }),
    voidedAt: integer('voided_at', { mode: 'timestamp' }),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [
    index('gifts_buyer_idx').on(t.buyerReaderId),
    index('gifts_status_idx').on(t.status),
    // A reader's export asks for the gifts they bought or redeemed (both indexed, or the OR scans).
    index('gifts_redeemed_by_idx').on(t.redeemedBy),
    // The metrics' gifts paid and redeemed in a period.
    index('gifts_paid_idx').on(t.paidAt),
    index('gifts_redeemed_at_idx').on(t.redeemedAt),
  ],
);
