/** @module Readers: accounts, sign-up and sign-in, sessions, and the middleware that finds the reader. */

export {
  confirmEmailSignIn,
  liveSignInLink,
  requestEmailSignIn,
  SIGN_IN_MAIL_TTL_SECONDS,
  spendMailedCode,
} from './email-sign-in';
export { optionalReader, requireReader } from './middleware';
export { checkPassword } from './password-check';
export { presentSignedIn, SignedInSchema } from './present';
export {
  type Authenticated,
  authenticateSession,
  endSession,
  entitlementOfReader,
  newSession,
  standingSession,
} from './sessions';
export { signIn } from './sign-in';
export { type Credentials, type SignedIn, signUp, trialIdentityHash } from './sign-up';
