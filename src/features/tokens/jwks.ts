/** @module The JWKS publishers verify tokens with: the active key and the previous ones, public members only. */
import type { JWK } from 'jose';
import type { Config } from '../../app/config';

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: string;
}

/** Only the public members are copied out: a private `d` can never reach the JWKS. */
function publicMembers(jwk: JWK): PublicJwk {
  return {
    kty: String(jwk.kty),
    crv: String(jwk.crv),
    x: String(jwk.x),
    y: String(jwk.y),
    kid: String(jwk.kid),
    alg: 'ES256',
    use: 'sig',
  };
}

export function jwks(config: Config): { keys: PublicJwk[] } {
  return { keys: [config.signingKey.publicJwk, ...config.previousKeys].map(publicMembers) };
}
