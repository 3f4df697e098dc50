/** @module The audit log, for the features whose admin changes it records. */
export { type AuditEntry, type AuditPrincipal, auditEntry, auditEntryIf } from './entry';
export { type AuditQuery, listAuditLog } from './list';
