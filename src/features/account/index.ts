/** @module The reader's account: deletion (also by an admin), the data export, password resets, devices, the password and the address. */
export { deleteMember, deleteOwnAccount } from './delete';
export { changePassword, type Device, listDevices, signOutOtherDevices } from './devices';
export {
  confirmEmailChange,
  confirmEmailVerification,
  liveEmailChangeLink,
  requestEmailChange,
  requestEmailVerification,
} from './email';
export { exportOwnData } from './export';
export { confirmPasswordReset, requestPasswordReset, resetLinkWorks } from './password-reset';
export { READING_PAGE_SIZE, type ReadingEntry, readingHistory } from './reading';
