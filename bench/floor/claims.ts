/** @module The claims both issuance floors (node:http and the module Worker) sign: the shape of a real token, nothing looked up. */

/** Seconds a floor token lives. */
export const FLOOR_TTL = 300;

export function floorClaims(publisher: string, now: number, jti: string) {
  return {
    iss: 'http://floor.invalid',
    aud: publisher,
    sub: 'floor-subject',
    iat: now,
    exp: now + FLOOR_TTL,
    jti: `tok_${jti}`,
    scope: 'full_text',
    membership: 'trial',
    entitled_until: now + FLOOR_TTL,
  };
}
