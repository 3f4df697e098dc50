/**
 * @module The parts every WebAuthn ceremony checks (WebAuthn Level 3 §7.1, §7.2): base64url fields,
 * the client data (type, challenge, origin, never framed) and the authenticator data (RP id hash,
 * flags, counter, the attested credential), parsed as SimpleWebAuthn parses them.
 */
import { base64url, utf8 } from '../encoding';
import { type CborMap, decodeCborAt, isCborMap } from './cbor';

/** A base64url string (no padding), decoded; throws on anything else. */
export function fromBase64url(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]*$/.test(value) || value.length % 4 === 1) {
    throw new Error(`${what} was not a base64url string`);
  }
  const b64 = value.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (ch) => ch.charCodeAt(0));
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export interface ClientData {
  type: string;
  challenge: string;
  origin: string;
}

/** The `challenge` a response's client data carries, before anything is verified (to find the stored one). */
export function challengeOf(clientDataJSON: unknown): string | null {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(fromBase64url(clientDataJSON, 'clientDataJSON')));
    return typeof parsed?.challenge === 'string' ? parsed.challenge : null;
  } catch {
    return null;
  }
}

/** Checks the client data of a ceremony: its type, the challenge we issued, our origin, and not framed. */
export function checkClientData(
  clientDataJSON: unknown,
  expected: { type: 'webauthn.create' | 'webauthn.get'; challenge: string; origin: string },
): ClientData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(fromBase64url(clientDataJSON, 'clientDataJSON')));
  } catch {
    throw new Error('clientDataJSON is not base64url JSON');
  }
  const data = parsed as Partial<ClientData> & { crossOrigin?: unknown; topOrigin?: unknown };
  if (data.type !== expected.type) throw new Error(`Unexpected response type ${String(data.type)}`);
  if (data.challenge !== expected.challenge) throw new Error('Unexpected challenge');
  if (data.origin !== expected.origin) throw new Error(`Unexpected origin ${String(data.origin)}`);
  // Our pages cannot be framed (frame-ancestors 'none'): a ceremony inside another site's frame is not ours.
  if (data.crossOrigin === true || data.topOrigin !== undefined) throw new Error('Cross-origin ceremony');
  return { type: data.type, challenge: data.challenge, origin: data.origin };
}

export interface AuthenticatorData {
  rpIdHash: Uint8Array;
  flags: { up: boolean; uv: boolean; be: boolean; bs: boolean; at: boolean; ed: boolean };
  counter: number;
  aaguid?: Uint8Array;
  credentialId?: Uint8Array;
  credentialPublicKey?: Uint8Array;
  extensions?: CborMap;
}

/** Parses authenticator data (§6.1): 32-byte RP id hash, flags, counter, then what the flags announce. */
export function parseAuthenticatorData(bytes: Uint8Array): AuthenticatorData {
  if (bytes.length < 37) throw new Error('Authenticator data is too short');
  const flagsByte = bytes[32] ?? 0;
  const flags = {
    up: (flagsByte & 0x01) !== 0,
    uv: (flagsByte & 0x04) !== 0,
    be: (flagsByte & 0x08) !== 0,
    bs: (flagsByte & 0x10) !== 0,
    at: (flagsByte & 0x40) !== 0,
    ed: (flagsByte & 0x80) !== 0,
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parsed: AuthenticatorData = { rpIdHash: bytes.slice(0, 32), flags, counter: view.getUint32(33) };
  let offset = 37;
  if (flags.at) {
    if (bytes.length < offset + 18) throw new Error('Attested credential data is too short');
    parsed.aaguid = bytes.slice(offset, offset + 16);
    const idLength = view.getUint16(offset + 16);
    offset += 18;
    if (idLength > 1023 || bytes.length < offset + idLength) throw new Error('Credential id is malformed');
    parsed.credentialId = bytes.slice(offset, offset + idLength);
    offset += idLength;
    const { end } = decodeCborAt(bytes, offset);
    parsed.credentialPublicKey = bytes.slice(offset, end);
    offset = end;
  }
  if (flags.ed) {
    const { value, end } = decodeCborAt(bytes, offset);
    if (!isCborMap(value)) throw new Error('Authenticator extensions are not a map');
    parsed.extensions = value;
    offset = end;
  }
  if (offset !== bytes.length) throw new Error('Leftover bytes detected while parsing authenticator data');
  return parsed;
}

/** Checks the RP id hash, user presence and (when required) user verification, and the backup flags. */
export async function checkAuthenticatorData(
  data: AuthenticatorData,
  expected: { rpID: string; requireUserVerification: boolean },
): Promise<{ credentialDeviceType: 'singleDevice' | 'multiDevice'; credentialBackedUp: boolean }> {
  if (!equalBytes(data.rpIdHash, await sha256(utf8.encode(expected.rpID)))) {
    throw new Error('Unexpected RP ID hash');
  }
  if (!data.flags.up) throw new Error('User not present');
  if (expected.requireUserVerification && !data.flags.uv) {
    throw new Error('User verification required, but user could not be verified');
  }
  if (!data.flags.be && data.flags.bs)
    throw new Error('Single-device credential indicated that it was backed up');
  return {
    credentialDeviceType: data.flags.be ? 'multiDevice' : 'singleDevice',
    credentialBackedUp: data.flags.bs,
  };
}

export { base64url, equalBytes };
