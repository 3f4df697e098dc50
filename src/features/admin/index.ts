/** @module Admins: who they are (keys, roles) and the middleware that requires one. */
export { type AdminActor, type AdminPrincipal, authenticateAdmin, BOOTSTRAP_KEY_ID } from './actors';
export { adminGate, adminPrincipal, requireAdmin } from './middleware';
