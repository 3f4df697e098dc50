/** @module Entitlement tokens: issuing them, introspecting them, and the pairwise subject behind them. */
export { type Inspection, inspectToken } from './introspect';
export {
  type IssuedToken,
  issueEntitlementToken,
  notEntitled,
  pairwiseSubject,
  subscribeUrl,
  TOKEN_TYPE,
  type TokenRequest,
} from './issue';
export { jwks, type PublicJwk } from './jwks';
export { TokenSchema } from './shapes';
