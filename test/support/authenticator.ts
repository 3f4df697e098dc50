/**
 * @module A software WebAuthn authenticator for tests, on WebCrypto only (so it runs in workerd as
 * well as Node): P-256 (ES256) credentials by default (Ed25519 and RSA on request), discoverable,
 * `none` (or packed self) attestation, assertions with real client data, authenticator data (RP id
 * hash, UP/UV flags, counter) and DER signatures.
 * Each ceremony can be bent (another origin, RP id, counter, flags) to test what must be refused.
 */
import { base64url, utf8 } from '../../src/lib/encoding';

type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor>;

function head(major: number, n: number): number[] {
  if (n < 24) return [(major << 5) | n];
  if (n < 0x100) return [(major << 5) | 24, n];
  if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
  return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** Just enough CBOR encoding for attestation objects and COSE keys. */
export function cbor(value: Cbor): Uint8Array {
  const out: number[] = [];
  const put = (v: Cbor) => {
    if (typeof v === 'number') out.push(...(v >= 0 ? head(0, v) : head(1, -1 - v)));
    else if (typeof v === 'string') {
      const bytes = utf8.encode(v);
      out.push(...head(3, bytes.length), ...bytes);
    } else if (v instanceof Uint8Array) out.push(...head(2, v.length), ...v);
    else if (Array.isArray(v)) {
      out.push(...head(4, v.length));
      for (const item of v) put(item);
    } else {
      out.push(...head(5, v.size));
      for (const [k, item] of v) {
        put(k);
        put(item);
      }
    }
  };
  put(value);
  return new Uint8Array(out);
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const sha256 = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
const fromB64url = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) =>
    c.charCodeAt(0),
  );

/** r ‖ s (WebCrypto's ECDSA output) as the ASN.1 DER signature authenticators send. */
function rawToDer(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = bytes.slice(i);
    if ((v[0] ?? 0) & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

export const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

interface StoredKey {
  id: string;
  rpID: string;
  userHandle: string;
  keys: CryptoKeyPair;
  counter: number;
}

/** The options as the service sends them (the fields the authenticator reads). */
export interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string };
  excludeCredentials?: { id: string }[];
}
export interface RequestOptions {
  challenge: string;
  rpId?: string;
}

export interface Bend {
  origin?: string;
  rpID?: string;
  flags?: number;
  /** The counter to report instead of the next one. */
  counter?: number;
  type?: string;
  /** Use this challenge instead of the options' (base64url). */
  challenge?: string;
  userHandle?: string | null;
  /** A `packed` self attestation instead of `none` (registration only). */
  attestation?: 'none' | 'packed-self';
}

export type Alg = 'ES256' | 'EdDSA' | 'RS256';
const COSE_ALG: Record<Alg, number> = { ES256: -7, EdDSA: -8, RS256: -257 };

/** A new key pair and its COSE public key (RFC 9053: EC2 P-256, OKP Ed25519, RSA 2048). */
async function newKey(alg: Alg): Promise<{ keys: CryptoKeyPair; cose: Uint8Array }> {
  const params =
    alg === 'ES256'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : alg === 'EdDSA'
        ? { name: 'Ed25519' }
        : {
            name: 'RSASSA-PKCS1-v1_5',
            modulusLength: 2048,
            publicExponent: new Uint8Array([1, 0, 1]),
            hash: 'SHA-256',
          };
  const keys = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey('jwk', keys.publicKey)) as JsonWebKey;
  const b = (name: 'x' | 'y' | 'n' | 'e') => fromB64url(jwk[name] ?? '');
  const entries: [number, Cbor][] =
    alg === 'ES256'
      ? [
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, b('x')],
          [-3, b('y')],
        ]
      : alg === 'EdDSA'
        ? [
            [1, 1],
            [3, -8],
            [-1, 6],
            [-2, b('x')],
          ]
        : [
            [1, 3],
            [3, -257],
            [-1, b('n')],
            [-2, b('e')],
          ];
  return { keys, cose: cbor(new Map(entries)) };
}

/** The signature an authenticator sends: DER for ECDSA, raw for Ed25519 and RSA. */
async function sign(alg: Alg, key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const params =
    alg === 'ES256'
      ? { name: 'ECDSA', hash: 'SHA-256' }
      : { name: alg === 'EdDSA' ? 'Ed25519' : 'RSASSA-PKCS1-v1_5' };
  const raw = new Uint8Array(await crypto.subtle.sign(params, key, data));
  return alg === 'ES256' ? rawToDer(raw) : raw;
}

export class SoftAuthenticator {
  readonly credentials = new Map<string, StoredKey>();

  constructor(
    readonly origin: string,
    readonly alg: Alg = 'ES256',
  ) {}

  get rpID(): string {
    return new URL(this.origin).hostname;
  }

  private clientData(type: string, challenge: string, bend: Bend): Uint8Array {
    return utf8.encode(
      JSON.stringify({
        type: bend.type ?? type,
        challenge: bend.challenge ?? challenge,
        origin: bend.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
  }

  /** navigator.credentials.create(), answered as RegistrationResponseJSON with `none` attestation. */
  async register(options: CreationOptions, bend: Bend = {}) {
    const rpID = options.rp.id ?? this.rpID;
    const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id));
    for (const c of this.credentials.values()) {
      if (excluded.has(c.id))
        throw new Error('InvalidStateError: this authenticator already holds a passkey here');
    }
    const { keys, cose } = await newKey(this.alg);
    const rawId = crypto.getRandomValues(new Uint8Array(16));
    const id = base64url(rawId);
    const idLength = new Uint8Array([rawId.length >> 8, rawId.length & 0xff]);
    const authData = concat(
      await sha256(utf8.encode(bend.rpID ?? rpID)),
      new Uint8Array([bend.flags ?? FLAG.UP | FLAG.UV | FLAG.AT]),
      new Uint8Array(4),
      new Uint8Array(16),
      idLength,
      rawId,
      cose,
    );
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, bend);
    // Self attestation: the new key signs authData ‖ SHA-256(clientDataJSON), as a `packed` statement.
    const attStmt =
      bend.attestation === 'packed-self'
        ? new Map<string, Cbor>([
            ['alg', COSE_ALG[this.alg]],
            ['sig', await sign(this.alg, keys.privateKey, concat(authData, await sha256(clientDataJSON)))],
          ])
        : new Map<string, Cbor>();
    const attestationObject = cbor(
      new Map<string, Cbor>([
        ['fmt', bend.attestation === 'packed-self' ? 'packed' : 'none'],
        ['attStmt', attStmt],
        ['authData', authData],
      ]),
    );
    this.credentials.set(id, { id, rpID, userHandle: options.user.id, keys, counter: 0 });
    return {
      id,
      rawId: id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: base64url(clientDataJSON),
        attestationObject: base64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }

  /** navigator.credentials.get() with a discoverable credential, as AuthenticationResponseJSON. */
  async authenticate(options: RequestOptions, credentialId?: string, bend: Bend = {}) {
    const rpID = options.rpId ?? this.rpID;
    const cred = credentialId
      ? this.credentials.get(credentialId)
      : [...this.credentials.values()].find((c) => c.rpID === rpID);
    if (!cred) throw new Error('NotAllowedError: no passkey for this RP id');
    cred.counter += 1;
    const counter = bend.counter ?? cred.counter;
    const authData = concat(
      await sha256(utf8.encode(bend.rpID ?? rpID)),
      new Uint8Array([bend.flags ?? FLAG.UP | FLAG.UV]),
      new Uint8Array([
        (counter >>> 24) & 0xff,
        (counter >> 16) & 0xff,
        (counter >> 8) & 0xff,
        counter & 0xff,
      ]),
    );
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, bend);
    const signature = await sign(
      this.alg,
      cred.keys.privateKey,
      concat(authData, await sha256(clientDataJSON)),
    );
    const userHandle = bend.userHandle === undefined ? cred.userHandle : bend.userHandle;
    return {
      id: cred.id,
      rawId: cred.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: base64url(clientDataJSON),
        authenticatorData: base64url(authData),
        signature: base64url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }
}
