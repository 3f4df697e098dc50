/** @module Members, for admins: the list and detail, and the actions on a membership (trial, comp, cancel, revoke). */
export { cancelMember, compMember, revokeSessions, setTrialEnd } from './actions';
export { listMembers, liveMember, type MemberDetail, type MemberListItem, memberDetail } from './list';
