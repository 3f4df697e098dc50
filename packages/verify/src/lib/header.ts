/** @module The token header: the pinned algorithm, `typ`, no `crit`, the `kid`; parsed once per distinct header. */
import { EntitlementError, malformed } from './errors.js';
import { isNonEmptyString } from './guards.js';
import { MAX_KID_LENGTH } from './limits.js';
import { parseHeaderJson } from './segments.js';

const TOKEN_TYPE = 'entitlement+jwt';
const MAX_CACHED_HEADERS = 64;

// Returns the kid of a header that passes every check; throws otherwise.
function parseHeader(segment: string): string {
  const header = parseHeaderJson(segment);
  if (header === null) throw malformed('The token header is not base64url-encoded JSON');
  // The algorithm is pinned: `none`, HS256 with a public key as secret and the like never reach a key.
  if (header.alg !== 'ES256') {
    throw new EntitlementError('invalid_signature', 'The token algorithm is not ES256');
  }
  if (header.typ !== TOKEN_TYPE) throw malformed(`The token typ is not ${TOKEN_TYPE}`);
  // We implement no JWS extension, so any critical one must make us refuse (RFC 7515, 4.1.11).
  if (header.crit !== undefined) throw malformed('The token has critical header parameters');
  // jku, x5u, jwk and x5c are deliberately never read: keys come from our JWKS only.
  const kid = header.kid;
  if (!isNonEmptyString(kid) || kid.length > MAX_KID_LENGTH) {
    throw malformed('The token kid is missing or invalid');
  }
  return kid;
}

/**
 * The kid of the header `token.slice(0, firstDot)`, checked; throws an {@link EntitlementError}
 * for a header that fails a check.
 */
export type HeaderReader = (token: string, firstDot: number) => string;

/**
 * A header reader of one verifier. Every token signed with one key shares the same header segment,
 * so its parse is remembered: the last one for the common case, a few more for the overlap of a
 * key rotation. Only headers that passed every check are kept; the map is small and simply reset
 * when full.
 */
export function createHeaderReader(): HeaderReader {
  const headerKids = new Map<string, string>();
  let lastHeader: string | null = null;
  let lastKid = '';

  return function kidOfHeader(token: string, firstDot: number): string {
    if (lastHeader !== null && firstDot === lastHeader.length && token.startsWith(lastHeader)) return lastKid;
    const segment = token.slice(0, firstDot);
    let kid = headerKids.get(segment);
    if (kid === undefined) {
      kid = parseHeader(segment);
      if (headerKids.size >= MAX_CACHED_HEADERS) headerKids.clear();
      headerKids.set(segment, kid);
    }
    lastHeader = segment;
    lastKid = kid;
    return kid;
  };
}
