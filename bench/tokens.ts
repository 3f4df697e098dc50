/** @module The entitlement tokens the verification benches check: distinct ES256 tokens shaped as the service issues them. */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';

export const ISSUER = 'https://onepass.example';
export const PUBLISHER = 'pub_abcdefghijklmnopqrst';

/** `count` tokens for distinct subjects, valid for `lifetimeSeconds`, and the key that checks them. */
export async function makeTokens(count: number, lifetimeSeconds: number) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({ scope: 'full_text', membership: 'paid', entitled_until: now + 86_400 })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'entitlement+jwt' })
        .setIssuer(ISSUER)
        .setAudience(PUBLISHER)
        .setSubject(`subject-${i}`)
        .setIssuedAt(now)
        .setExpirationTime(now + lifetimeSeconds)
        .setJti(`jti_${i}`)
        .sign(privateKey),
    );
  }
  return { tokens, publicKey, jwk, jwks: { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] } };
}
