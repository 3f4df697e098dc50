/** @module Publisher SDK entry point: offline verification of entitlement tokens (the Hono middleware lives in `./hono`). */
export {
  createEntitlementVerifier,
  type EntitlementClaims,
  EntitlementError,
  type EntitlementErrorCode,
  type EntitlementJwk,
  type EntitlementJwks,
  type EntitlementMembership,
  type EntitlementVerifier,
  type EntitlementVerifierOptions,
  type EntitlementVerifyContext,
} from './verify.js';
