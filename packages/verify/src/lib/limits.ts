/** @module The sizes a token may have: caps on hostile input and the fixed lengths of ES256. */

// Our tokens are well under 1 KiB; the cap keeps hostile input from costing memory or CPU.
/** The longest token looked at; anything longer is `malformed` before any work. */
export const MAX_TOKEN_LENGTH = 8192;
/** The longest `kid` accepted, in a token header or in a JWKS. */
export const MAX_KID_LENGTH = 256;
/** A raw ES256 signature (r || s) is 64 bytes… */
export const SIGNATURE_BYTES = 64;
/** …which is 86 characters of unpadded base64url. */
export const SIGNATURE_CHARS = 86;
