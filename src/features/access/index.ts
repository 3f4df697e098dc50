/** @module The publisher access flow: the canonical `/access` path, for pages that continue through it. */
export { type AccessRequest, accessPath } from './codes';
