/**
 * @module A publisher's script that uses only the SDK: verifies an entitlement token offline.
 *
 *   npx tsx examples/verify-token.ts <issuer> <publisher id> <token>
 *   npx tsx examples/verify-token.ts http://127.0.0.1:8787 pub_… eyJhbGciOiJFUzI1NiIs…
 */
import { createEntitlementVerifier, EntitlementError } from '@onepass/verify';

const [issuer, publisherId, token] = process.argv.slice(2);
if (!issuer || !publisherId || !token) {
  console.error('usage: verify-token.ts <issuer> <publisher id> <token>');
  process.exit(2);
}

const verifier = createEntitlementVerifier({ issuer, publisherId });
try {
  const claims = await verifier.verify(token);
  console.log(`entitled: ${claims.membership} until ${new Date(claims.entitled_until * 1000).toISOString()}`);
  console.log(JSON.stringify(claims, null, 2));
} catch (err) {
  if (err instanceof EntitlementError) {
    console.error(`not entitled: ${err.code}: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
