/** @module Readers: accounts, sign-up and sign-in, sessions, and the middleware that finds the reader. */
export { optionalReader, requireReader } from './middleware';
export { checkPassword } from './password-check';
export {
  type Authenticated,
  authenticateSession,
  endSession,
  newSession,
  standingSession,
} from './sessions';
export { signIn } from './sign-in';
export { type Credentials, type SignedIn, signUp, trialIdentityHash } from './sign-up';
