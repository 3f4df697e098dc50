/** @module Admins: who they are (keys, roles), the middleware that requires one, their keys and their numbers. */
export { type AdminActor, type AdminPrincipal, authenticateAdmin, BOOTSTRAP_KEY_ID } from './actors';
export { createAdminKey, listAdminKeys, presentAdminKey, revokeAdminKey } from './keys';
export { type Metrics, metrics } from './metrics';
export { adminGate, adminPrincipal, requireAdmin } from './middleware';
