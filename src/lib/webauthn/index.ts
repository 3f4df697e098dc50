/**
 * @module WebAuthn for the server, as SimpleWebAuthn 14 implements it (the same option JSON, the
 * same checks, the same function names), over WebCrypto only. `@simplewebauthn/server` itself
 * would add ~90 KB gzipped to the Worker (its attestation formats pull in X.509 and ASN.1
 * libraries even for the parts used here), past the bundle budget; test/node/webauthn.test.ts
 * checks this module against it on the same responses.
 */
export {
  type AuthenticationResponse,
  generateAuthenticationOptions,
  type StoredCredential,
  verifyAuthenticationResponse,
} from './authentication';
export { challengeOf, fromBase64url } from './parts';
export {
  generateRegistrationOptions,
  type RegistrationResponse,
  type VerifiedRegistration,
  verifyRegistrationResponse,
} from './registration';
