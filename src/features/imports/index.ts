/** @module Imports: members brought in from a CSV or from a Stripe account's subscriptions, by one rule. */
export { type ImportResult, importMembers, MAX_IMPORT_ROWS } from './members';
export { importRoutes } from './routes';
export { importStripePage } from './stripe';
