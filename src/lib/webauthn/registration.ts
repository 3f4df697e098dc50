/**
 * @module Registering a passkey: the options (the JSON SimpleWebAuthn's `generateRegistrationOptions`
 * produces) and the verification of the browser's answer (its `verifyRegistrationResponse`, for
 * `none` and self attestation: the service asks for no attestation, so it trusts none either).
 */
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { decodeCbor, isCborMap } from './cbor';
import { decodeCoseKey, SUPPORTED_ALGORITHMS, verifyCoseSignature } from './cose';
import {
  base64url,
  checkAuthenticatorData,
  checkClientData,
  concat,
  equalBytes,
  fromBase64url,
  parseAuthenticatorData,
  sha256,
} from './parts';

export interface RegistrationOptionsInput {
  rpName: string;
  rpID: string;
  userID: Uint8Array;
  userName: string;
  userDisplayName?: string;
  challenge: Uint8Array;
  timeout?: number;
  excludeCredentials?: { id: string; transports?: string[] }[];
  authenticatorSelection: NonNullable<PublicKeyCredentialCreationOptionsJSON['authenticatorSelection']>;
}

/** The creation options as SimpleWebAuthn 14 writes them (the same fields, order and defaults). */
export function generateRegistrationOptions(
  o: RegistrationOptionsInput,
): PublicKeyCredentialCreationOptionsJSON {
  const selection = { ...o.authenticatorSelection };
  if (selection.residentKey !== undefined)
    selection.requireResidentKey = selection.residentKey === 'required';
  return {
    challenge: base64url(o.challenge),
    rp: { name: o.rpName, id: o.rpID },
    user: { id: base64url(o.userID), name: o.userName, displayName: o.userDisplayName ?? '' },
    pubKeyCredParams: SUPPORTED_ALGORITHMS.map((alg) => ({ alg, type: 'public-key' as const })),
    timeout: o.timeout ?? 60_000,
    attestation: 'none',
    excludeCredentials: (o.excludeCredentials ?? []).map((cred) => ({
      ...cred,
      type: 'public-key' as const,
    })),
    authenticatorSelection: selection,
    extensions: { credProps: true },
    hints: [],
  };
}

/** The fields of SimpleWebAuthn's RegistrationResponseJSON that are checked (it is assignable to this). */
export interface RegistrationResponse {
  id: string;
  rawId: string;
  type: string;
  response: { clientDataJSON: string; attestationObject: string; transports?: string[] | undefined };
}

export interface VerifiedRegistration {
  fmt: string;
  aaguid: string;
  credential: {
    id: string;
    publicKey: Uint8Array;
    counter: number;
    transports?: string[];
  };
  userVerified: boolean;
  credentialDeviceType: 'singleDevice' | 'multiDevice';
  credentialBackedUp: boolean;
  origin: string;
  rpID: string;
}

function aaguidString(bytes: Uint8Array): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Verifies a registration response (§7.1) against the challenge, origin and RP id we expect.
 * Throws an Error saying what failed; returns what to store otherwise.
 */
export async function verifyRegistrationResponse(o: {
  response: RegistrationResponse;
  expectedChallenge: string;
  expectedOrigin: string;
  expectedRPID: string;
  requireUserVerification: boolean;
}): Promise<VerifiedRegistration> {
  const { id, rawId, type, response } = o.response;
  if (!id) throw new Error('Missing credential ID');
  if (id !== rawId) throw new Error('Credential ID was not base64url-encoded');
  if (type !== 'public-key') throw new Error(`Unexpected credential type ${String(type)}`);
  const clientData = checkClientData(response?.clientDataJSON, {
    type: 'webauthn.create',
    challenge: o.expectedChallenge,
    origin: o.expectedOrigin,
  });
  const attestation = decodeCbor(fromBase64url(response.attestationObject, 'attestationObject'));
  if (!isCborMap(attestation)) throw new Error('Attestation object is not a map');
  const fmt = attestation.get('fmt');
  const attStmt = attestation.get('attStmt');
  const authDataBytes = attestation.get('authData');
  if (typeof fmt !== 'string' || !isCborMap(attStmt) || !(authDataBytes instanceof Uint8Array)) {
    throw new Error('Attestation object is malformed');
  }
  const authData = parseAuthenticatorData(authDataBytes);
  const backup = await checkAuthenticatorData(authData, {
    rpID: o.expectedRPID,
    requireUserVerification: o.requireUserVerification,
  });
  const { credentialId, credentialPublicKey, aaguid } = authData;
  if (!credentialId) throw new Error('No credential ID was provided by authenticator');
  if (!credentialPublicKey) throw new Error('No public key was provided by authenticator');
  if (!aaguid) throw new Error('No AAGUID was present during registration');
  if (!equalBytes(credentialId, fromBase64url(rawId, 'rawId'))) {
    throw new Error('The credential ID does not match the attested one');
  }
  const { alg } = decodeCoseKey(credentialPublicKey);
  if (!SUPPORTED_ALGORITHMS.includes(alg)) throw new Error(`Unexpected public key alg ${alg}`);

  if (fmt === 'none') {
    if (attStmt.size > 0) throw new Error('None attestation had unexpected attestation statement');
  } else if (fmt === 'packed' && !attStmt.has('x5c')) {
    // Self attestation: signed by the new credential itself over authData ‖ SHA-256(clientDataJSON).
    const sig = attStmt.get('sig');
    if (attStmt.get('alg') !== alg || !(sig instanceof Uint8Array))
      throw new Error('Packed self attestation is malformed');
    const signed = concat(
      authDataBytes,
      await sha256(fromBase64url(response.clientDataJSON, 'clientDataJSON')),
    );
    if (!(await verifyCoseSignature(credentialPublicKey, sig, signed))) {
      throw new Error('Packed self attestation signature is invalid');
    }
  } else {
    throw new Error(`Unsupported attestation format ${fmt}: this service asks for none`);
  }
  return {
    fmt,
    aaguid: aaguidString(aaguid),
    credential: {
      id: base64url(credentialId),
      publicKey: credentialPublicKey,
      counter: authData.counter,
      ...(response.transports ? { transports: response.transports } : {}),
    },
    userVerified: authData.flags.uv,
    ...backup,
    origin: clientData.origin,
    rpID: o.expectedRPID,
  };
}
