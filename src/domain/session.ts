/**
 * @module Session validity, the one rule: a stored session stands while it is unexpired, its
 * reader is not deleted and it was not ended by a revocation; a token (never stored) issued before
 * a revocation is void. Every end is exclusive, as everywhere in the domain.
 */

/** How long a session lasts from sign-in (its cookie lives as long). */
export const SESSION_TTL_SECONDS = 30 * 86_400;

export interface SessionFacts {
  createdAt: Date;
  expiresAt: Date;
}

export interface ReaderFacts {
  deletedAt: Date | null;
  /** Set by a revocation (admin revoke, password reset): what was issued before it no longer counts. */
  revokedBefore: Date | null;
}

/**
 * Whether a stored session still signs its reader in at `now`. A revocation deletes the sessions
 * it ends in the same batch, so a stored session created in the very second of the revocation was
 * created after it and stands; one created in an earlier second does not (a sign-in racing the
 * revocation).
 */
export function sessionStands(session: SessionFacts, reader: ReaderFacts, now: Date): boolean {
  if (now.getTime() >= session.expiresAt.getTime()) return false;
  if (reader.deletedAt !== null) return false;
  return reader.revokedBefore === null || session.createdAt.getTime() >= reader.revokedBefore.getTime();
}

/**
 * Whether a revocation voids a token issued at `issuedAt` (epoch seconds). Tokens are not stored,
 * and `iat` and `revokedBefore` are whole seconds: a token of the revocation's own second may
 * predate it, so it is void as well (the reader's app just asks for a new one).
 */
export function tokenRevoked(issuedAt: number, reader: ReaderFacts): boolean {
  return reader.revokedBefore !== null && issuedAt * 1000 <= reader.revokedBefore.getTime();
}
