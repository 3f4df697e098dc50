/** @module The refusal of a token: {@link EntitlementError} and its stable codes. */

/**
 * Why a token was refused. Stable: branch on it, never on the message.
 *
 * `not_yet_valid` is an extension of the contract's six codes: the token's `iat` or `nbf` lies more
 * than the clock tolerance in the future (usually a badly skewed clock on one side).
 *
 * @example
 * ```ts
 * const code: EntitlementErrorCode = 'expired';
 * ```
 */
export type EntitlementErrorCode =
  | 'expired'
  | 'invalid_signature'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'malformed'
  | 'unknown_key'
  | 'not_yet_valid';

/**
 * The error every refused token rejects with. `code` is stable; `message` is for logs and may
 * change.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token);
 * } catch (error) {
 *   if (error instanceof EntitlementError && error.code === 'expired') return renewToken();
 *   throw error;
 * }
 * ```
 */
export class EntitlementError extends Error {
  /** Why the token was refused. */
  readonly code: EntitlementErrorCode;

  constructor(code: EntitlementErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EntitlementError';
    this.code = code;
  }
}

/** A `malformed` refusal. */
export function malformed(message: string): EntitlementError {
  return new EntitlementError('malformed', message);
}

/** An `expired` refusal naming when the token expired. */
export function expired(exp: number): EntitlementError {
  const at = new Date(exp * 1000);
  // A date outside what Date can print must not turn the refusal into a RangeError.
  const when = Number.isNaN(at.getTime()) ? `${exp} (epoch seconds)` : at.toISOString();
  return new EntitlementError('expired', `The token expired at ${when}`);
}

/** The `invalid_signature` refusal of a signature that does not verify. */
export function badSignature(): EntitlementError {
  return new EntitlementError('invalid_signature', 'The token signature is invalid');
}
