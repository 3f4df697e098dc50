/** @module The package entry, `@onepass/verify`: offline verification of OnePass entitlement tokens (the Hono middleware is `./hono`). */
export { EntitlementError, type EntitlementErrorCode } from './lib/errors.js';
export type {
  EntitlementClaims,
  EntitlementJwk,
  EntitlementJwks,
  EntitlementMembership,
  EntitlementMeter,
  EntitlementVerifier,
  EntitlementVerifierOptions,
  EntitlementVerifyContext,
} from './lib/types.js';
export { createEntitlementVerifier } from './verify.js';
