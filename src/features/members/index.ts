/** @module Members as admins see and change them: the list, one member, trial, comp, cancel, revocation. */
export { liveMember } from './list';
