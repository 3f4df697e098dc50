/** @module The reader's account: deletion (also by an admin), the data export, password resets. */
export { deleteMember, deleteOwnAccount } from './delete';
export { confirmPasswordReset, requestPasswordReset, resetLinkWorks } from './password-reset';
