/**
 * @module A publisher's script in a directory where only the packed `@onepass/verify` is installed:
 * signs a token with a WebCrypto key, serves the JWKS on loopback, verifies the token and a forgery.
 * Prints one line of JSON.
 */
import { createServer } from 'node:http';
import { createEntitlementVerifier, EntitlementError } from '@onepass/verify';

const ISSUER = 'https://paywall.example';
const PUBLISHER_ID = 'pub_4x7q2m9k3h8w1z6c5v0b';
const ES256 = { name: 'ECDSA', namedCurve: 'P-256' };

const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function sign(privateKey, kid, payload) {
  const input = `${encode({ alg: 'ES256', kid, typ: 'entitlement+jwt' })}.${encode(payload)}`;
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    Buffer.from(input),
  );
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

const ours = await crypto.subtle.generateKey(ES256, true, ['sign', 'verify']);
const other = await crypto.subtle.generateKey(ES256, true, ['sign', 'verify']);
const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', ours.publicKey);
const kid = 'k-pack';
const server = createServer((_request, response) => {
  response
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ keys: [{ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }] }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const verifier = createEntitlementVerifier({
  issuer: ISSUER,
  publisherId: PUBLISHER_ID,
  jwksUrl: `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`,
});
const now = Math.floor(Date.now() / 1000);
const claims = {
  iss: ISSUER,
  aud: PUBLISHER_ID,
  sub: 'prw_7c1e0f3a9b2d4e6f',
  iat: now,
  exp: now + 600,
  jti: 'tok_pack',
  scope: 'full_text',
  membership: 'paid',
  entitled_until: now + 86400,
};
const verified = await verifier.verify(await sign(ours.privateKey, kid, claims));
let forgery = 'accepted';
try {
  await verifier.verify(await sign(other.privateKey, kid, { ...claims, jti: 'tok_forged' }));
} catch (error) {
  forgery = error instanceof EntitlementError ? error.code : String(error);
}
server.close();
console.log(JSON.stringify({ sub: verified.sub, membership: verified.membership, forgery }));
