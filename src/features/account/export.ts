/**
 * @module The reader's export (`GET /v1/me/export`): every row the database holds about them,
 * table by table and column by column (SQL names), secrets withheld but said to exist.
 */
import { and, desc, eq, getTableColumns, getTableName, or, type Table } from 'drizzle-orm';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import {
  accessCodes,
  auditLog,
  emailChanges,
  gifts,
  memberships,
  meterArticles,
  outbox,
  pairwiseSubjects,
  passkeys,
  passwordResets,
  readers,
  reads,
  seats,
  sessions,
  stripeEvents,
  trialClaims,
  webauthnChallenges,
} from '../../db/schema';
import { rfc3339 } from '../../domain/time';
import { type Authenticated, trialIdentityHash } from '../readers';

/**
 * Columns that exist but whose value is never shown: hashes of credentials (useless to the reader,
 * useful to an attacker who got hold of an export) and the keyed trial hash.
 */
export const WITHHELD_COLUMNS = {
  readers: { password_hash: 'A salted PBKDF2-SHA256 hash of your password.' },
  sessions: { token_hash: 'The SHA-256 of each session token.' },
  password_resets: { token_hash: 'The SHA-256 of each reset link token.' },
  access_codes: { code_hash: 'The SHA-256 of each one-time access code.' },
  email_changes: {
    token_hash: 'The SHA-256 of each change-of-address link token.',
    code_hash: 'A keyed hash of each change-of-address code.',
  },
  passkeys: { public_key: 'The public key of each passkey (its private key never left your device).' },
  webauthn_challenges: { challenge_hash: 'The SHA-256 of a passkey challenge waiting to be answered.' },
  gifts: { token_hash: 'The SHA-256 of each gift’s redemption link token.' },
  seats: { token_hash: 'The SHA-256 of each open seat invitation’s link token.' },
  trial_claims: {
    identity_hash: 'A keyed hash of your normalised email, kept after deletion so a trial is taken once.',
  },
} as const satisfies Record<string, Record<string, string>>;

/** Column values as JSON: strings, numbers, booleans, null, and the parsed JSON columns. */
type JsonValue = unknown;

/** A row under its SQL column names, dates as RFC 3339, withheld columns left out. */
function exportRow(table: Table, row: Record<string, unknown>): Record<string, JsonValue> {
  const withheld: Record<string, string> =
    (WITHHELD_COLUMNS as Record<string, Record<string, string>>)[getTableName(table)] ?? {};
  const out: Record<string, JsonValue> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (column.name in withheld) continue;
    const value = row[key];
    out[column.name] = value instanceof Date ? rfc3339(value) : (value ?? null);
  }
  return out;
}

const MAX_ROWS = 10_000;

export interface AccountExport {
  format: 'onepass-export/1';
  exported_at: string;
  reader_id: string;
  /** Whether a password hash is stored (its value is withheld). */
  password_set: boolean;
  tables: Record<string, Record<string, JsonValue>[]>;
  withheld: typeof WITHHELD_COLUMNS;
}

/** Everything held about a reader, read in one batch (one round trip, one consistent snapshot on D1). */
export async function exportOwnData({
  ctx,
  principal: who,
}: UseCase<undefined, Authenticated>): Promise<AccountExport> {
  const readerId = who.reader.id;
  const db = ctx.db;
  const [
    readerRows,
    membershipRows,
    sessionRows,
    eventRows,
    mailRows,
    resetRows,
    readRows,
    subjectRows,
    codeRows,
    auditRows,
    passkeyRows,
    challengeRows,
    changeRows,
    meterRows,
    giftRows,
    seatRows,
  ] = await db.batch([
    db.select().from(readers).where(eq(readers.id, readerId)).limit(1),
    db.select().from(memberships).where(eq(memberships.readerId, readerId)),
    db.select().from(sessions).where(eq(sessions.readerId, readerId)).limit(MAX_ROWS),
    db
      .select()
      .from(stripeEvents)
      .where(eq(stripeEvents.readerId, readerId))
      .orderBy(desc(stripeEvents.processedAt))
      .limit(MAX_ROWS),
    db
      .select()
      .from(outbox)
      .where(eq(outbox.readerId, readerId))
      .orderBy(desc(outbox.createdAt))
      .limit(MAX_ROWS),
    db.select().from(passwordResets).where(eq(passwordResets.readerId, readerId)).limit(MAX_ROWS),
    db
      .select()
      .from(reads)
      .where(eq(reads.readerId, readerId))
      .orderBy(desc(reads.createdAt))
      .limit(MAX_ROWS),
    db.select().from(pairwiseSubjects).where(eq(pairwiseSubjects.readerId, readerId)).limit(MAX_ROWS),
    db.select().from(accessCodes).where(eq(accessCodes.readerId, readerId)).limit(MAX_ROWS),
    db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'member'), eq(auditLog.targetId, readerId)))
      .orderBy(desc(auditLog.createdAt))
      .limit(MAX_ROWS),
    db.select().from(passkeys).where(eq(passkeys.readerId, readerId)).limit(MAX_ROWS),
    db.select().from(webauthnChallenges).where(eq(webauthnChallenges.readerId, readerId)).limit(MAX_ROWS),
    db.select().from(emailChanges).where(eq(emailChanges.readerId, readerId)).limit(MAX_ROWS),
    db.select().from(meterArticles).where(eq(meterArticles.readerId, readerId)).limit(MAX_ROWS),
    // Gifts the reader bought or redeemed.
    db
      .select()
      .from(gifts)
      .where(or(eq(gifts.buyerReaderId, readerId), eq(gifts.redeemedBy, readerId)))
      .limit(MAX_ROWS),
    // The seats the reader gives and the one they hold.
    db
      .select()
      .from(seats)
      .where(or(eq(seats.ownerReaderId, readerId), eq(seats.memberReaderId, readerId)))
      .limit(MAX_ROWS),
  ]);
  const reader = readerRows[0];
  if (!reader || reader.deletedAt !== null) throw new ApiError('not_found', 'No account has this id.');
  const claims = reader.email
    ? await db
        .select()
        .from(trialClaims)
        .where(eq(trialClaims.identityHash, await trialIdentityHash(ctx.config.pairwiseSecret, reader.email)))
        .limit(1)
    : [];
  const rows = (table: Table, list: Record<string, unknown>[]) => list.map((row) => exportRow(table, row));
  return {
    format: 'onepass-export/1',
    exported_at: rfc3339(ctx.now()),
    reader_id: readerId,
    password_set: reader.passwordHash !== null,
    tables: {
      readers: rows(readers, readerRows),
      memberships: rows(memberships, membershipRows),
      sessions: rows(sessions, sessionRows),
      stripe_events: rows(stripeEvents, eventRows),
      outbox: rows(outbox, mailRows),
      password_resets: rows(passwordResets, resetRows),
      reads: rows(reads, readRows),
      pairwise_subjects: rows(pairwiseSubjects, subjectRows),
      access_codes: rows(accessCodes, codeRows),
      audit_log: rows(auditLog, auditRows),
      passkeys: rows(passkeys, passkeyRows),
      webauthn_challenges: rows(webauthnChallenges, challengeRows),
      email_changes: rows(emailChanges, changeRows),
      meter_articles: rows(meterArticles, meterRows),
      gifts: rows(gifts, giftRows),
      seats: rows(seats, seatRows),
      trial_claims: rows(trialClaims, claims),
    },
    withheld: WITHHELD_COLUMNS,
  };
}
