/**
 * @module Signing in with a passkey: the options (the JSON SimpleWebAuthn's
 * `generateAuthenticationOptions` produces) and the verification of an assertion (its
 * `verifyAuthenticationResponse`: client data, RP id hash, flags, signature, signature counter).
 */
import type {
  PublicKeyCredentialRequestOptionsJSON,
  UserVerificationRequirement,
} from '@simplewebauthn/server';
import { verifyCoseSignature } from './cose';
import {
  base64url,
  checkAuthenticatorData,
  checkClientData,
  concat,
  fromBase64url,
  parseAuthenticatorData,
  sha256,
} from './parts';

/** Request options without `allowCredentials`: the browser offers the passkeys it holds for our RP id. */
export function generateAuthenticationOptions(o: {
  rpID: string;
  challenge: Uint8Array;
  timeout?: number;
  userVerification?: UserVerificationRequirement;
}): PublicKeyCredentialRequestOptionsJSON {
  return {
    rpId: o.rpID,
    challenge: base64url(o.challenge),
    timeout: o.timeout ?? 60_000,
    userVerification: o.userVerification ?? 'preferred',
  };
}

export interface StoredCredential {
  id: string;
  publicKey: Uint8Array;
  counter: number;
}

/** The fields of SimpleWebAuthn's AuthenticationResponseJSON that are checked (it is assignable to this). */
export interface AuthenticationResponse {
  id: string;
  rawId: string;
  type: string;
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string | undefined;
  };
}

export interface VerifiedAuthentication {
  credentialID: string;
  newCounter: number;
  userVerified: boolean;
  credentialDeviceType: 'singleDevice' | 'multiDevice';
  credentialBackedUp: boolean;
  origin: string;
  rpID: string;
}

/**
 * Verifies an assertion (§7.2) made with `credential`. A counter that did not grow (when either
 * side counts) is refused as a sign of a cloned authenticator, as SimpleWebAuthn refuses it.
 */
export async function verifyAuthenticationResponse(o: {
  response: AuthenticationResponse;
  expectedChallenge: string;
  expectedOrigin: string;
  expectedRPID: string;
  credential: StoredCredential;
  requireUserVerification: boolean;
}): Promise<VerifiedAuthentication> {
  const { id, rawId, type, response } = o.response;
  if (!id) throw new Error('Missing credential ID');
  if (id !== rawId) throw new Error('Credential ID was not base64url-encoded');
  if (id !== o.credential.id) throw new Error('The response is not for this credential');
  if (type !== 'public-key') throw new Error(`Unexpected credential type ${String(type)}`);
  const clientData = checkClientData(response?.clientDataJSON, {
    type: 'webauthn.get',
    challenge: o.expectedChallenge,
    origin: o.expectedOrigin,
  });
  const authDataBytes = fromBase64url(response.authenticatorData, 'authenticatorData');
  const signature = fromBase64url(response.signature, 'signature');
  const authData = parseAuthenticatorData(authDataBytes);
  const backup = await checkAuthenticatorData(authData, {
    rpID: o.expectedRPID,
    requireUserVerification: o.requireUserVerification,
  });
  const signed = concat(
    authDataBytes,
    await sha256(fromBase64url(response.clientDataJSON, 'clientDataJSON')),
  );
  if (!(await verifyCoseSignature(o.credential.publicKey, signature, signed))) {
    throw new Error('The signature is invalid');
  }
  if ((authData.counter > 0 || o.credential.counter > 0) && authData.counter <= o.credential.counter) {
    throw new Error(
      `Response counter value ${authData.counter} was lower than expected ${o.credential.counter}`,
    );
  }
  return {
    credentialID: o.credential.id,
    newCounter: authData.counter,
    userVerified: authData.flags.uv,
    ...backup,
    origin: clientData.origin,
    rpID: o.expectedRPID,
  };
}
