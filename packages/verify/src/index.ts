/** @module The package entry, `@onepass/verify`: offline verification of OnePass entitlement tokens and payout statements (the Hono middleware is `./hono`, the statement tree `./statement`). */
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
export {
  type StatementCheck,
  type StatementCheckName,
  type StatementLeaf,
  type StatementLine,
  type StatementPayload,
  type StatementVerification,
  type VerifyStatementOptions,
  verifyStatement,
} from './statement.js';
export { createEntitlementVerifier } from './verify.js';
export {
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookErrorCode,
  type WebhookEvent,
  WebhookVerificationError,
} from './webhook.js';
