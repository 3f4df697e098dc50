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

/**
 * A change of address waiting for its proof: a link and a 6-digit code mailed to the new address,
 * valid 15 minutes, single use. Only keyed hashes are stored, as for sign-in by mail.
 */
export const emailChanges = sqliteTable(
  'email_changes',
  {
    /** SHA-256 of the token in the mailed link. */
    tokenHash: text('token_hash').primaryKey(),
    /** HMAC(PAIRWISE_SECRET, reader id ‖ code). */
    codeHash: text('code_hash').notNull(),
    readerId: text('reader_id')
      .notNull()
      .references(() => readers.id, { onDelete: 'cascade' }),
    /** The new address as typed and normalised (`readers.email_key`). */
    email: text('email').notNull(),
    emailKey: text('email_key').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp' }),
  },
  (t) => [index('email_changes_reader_idx').on(t.readerId)],
);

/** A WebAuthn credential (passkey) a reader registered; the private key never leaves the authenticator. */
export const passkeys = sqliteTable(
  'passkeys',
  {
    /** The credential id, base64url, as the authenticator gives it. */
    id: text('id').primaryKey(),
    readerId: text('reader_id')
      .notNull()
      .references(() => readers.id, { onDelete: 'cascade' }),
    /** The COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    /** The signature counter last seen (0 for authenticators that do not count). */
    counter: integer('counter').notNull().default(0),
    /** JSON array of transports (`internal`, `hybrid`, `usb`…), passed back as hints at sign-in. */
    transports: text('transports', { mode: 'json' }).$type<string[]>().notNull(),
    /** `singleDevice` or `multiDevice` (synced), and whether it is backed up now. */
    deviceType: text('device_type').notNull(),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull().default(false),
    /** A name the reader recognises it by (from the browser, editable later). */
    name: text('name').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp' }).notNull(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp' }),
  },
  (t) => [index('passkeys_reader_idx').on(t.readerId)],
);

/**
 * A WebAuthn challenge the service handed out, single use, valid 5 minutes: `register` for a signed-in
 * reader adding a passkey, `sign_in` for anyone (no reader yet). Keyed by the SHA-256 of the challenge.
 */
export const webauthnChallenges = sqliteTable(
  'webauthn_challenges',
  {
    challengeHash: text('challenge_hash').primaryKey(),
    purpose: text('purpose', { enum: ['register', 'sign_in'] }).notNull(),
    readerId: text('reader_id').references(() => readers.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at', { mode: 'timestamp' }).notNull(),
  },
  (t) => [index('webauthn_challenges_expires_idx').on(t.expiresAt)],
);
