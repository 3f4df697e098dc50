/** @module Forged entitlement tokens, at the publisher SDK and at `POST /v1/tokens/introspect`: all refused, nothing changed. */
import { createHmac } from 'node:crypto';
import { createEntitlementVerifier, EntitlementError, type EntitlementVerifier } from '@onepass/verify';
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE } from '../support/node-door';
import {
  createPublisher,
  entitlementToken,
  expectProblem,
  type Publisher,
  raw,
  signUp,
  startWorld,
  unchanged,
  type World,
} from './world';

let w: World;
let own: Publisher;
let other: Publisher;
let genuine: string;
let foreign: string;
let claims: Record<string, unknown>;
let realKey: { kid: string; privateKey: CryptoKey; publicJwk: JWK };
let attacker: { kid: string; privateKey: CryptoKey; publicJwk: JWK };
const fetched: string[] = [];
let verifier: EntitlementVerifier;

const enc = (value: unknown) => base64url.encode(JSON.stringify(value));

async function sign(key: CryptoKey, header: Record<string, unknown>, payload: Record<string, unknown>) {
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', ...header }).sign(key);
}

beforeAll(async () => {
  w = await startWorld();
  own = await createPublisher(w, 'Own Gazette', 'https://own.example');
  other = await createPublisher(w, 'Other Gazette', 'https://other.example');
  const reader = await signUp(w);
  genuine = await entitlementToken(w, reader, own.id);
  foreign = await entitlementToken(w, reader, other.id);
  claims = JSON.parse(new TextDecoder().decode(base64url.decode(genuine.split('.')[1] ?? '')));
  const signing = JSON.parse(w.h.env.ENTITLEMENT_SIGNING_KEY ?? '{}') as JWK;
  const { d: _d, ...pub } = signing;
  realKey = {
    kid: String(signing.kid),
    privateKey: (await importJWK({ ...signing, alg: 'ES256' }, 'ES256')) as CryptoKey,
    publicJwk: pub,
  };
  const pair = await generateKeyPair('ES256', { extractable: true });
  const attackerJwk = await exportJWK(pair.publicKey);
  attacker = {
    kid: await calculateJwkThumbprint(attackerJwk),
    privateKey: pair.privateKey,
    publicJwk: attackerJwk,
  };
  verifier = createEntitlementVerifier({
    issuer: BASE,
    publisherId: own.id,
    maxCachedTokens: 0,
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      fetched.push(url);
      return w.h.app.request(url, init);
    },
  });
});

afterAll(() => w.close());

/** Every forgery, by name. Built lazily: they need the fixtures. */
function forgeries(): Record<string, () => Promise<string>> {
  const payload = { ...claims, jti: `jti_forged_${Math.random()}` };
  const typ = 'entitlement+jwt';
  return {
    'alg none': async () => `${enc({ alg: 'none', typ, kid: realKey.kid })}.${enc(payload)}.`,
    'alg none with a signature': async () =>
      `${enc({ alg: 'none', typ })}.${enc(payload)}.${genuine.split('.')[2]}`,
    'HS256 keyed with the public JWK': async () => {
      const input = `${enc({ alg: 'HS256', typ, kid: realKey.kid })}.${enc(payload)}`;
      const mac = createHmac('sha256', JSON.stringify(realKey.publicJwk)).update(input).digest('base64url');
      return `${input}.${mac}`;
    },
    'HS256 keyed with the public x coordinate': async () => {
      const input = `${enc({ alg: 'HS256', typ, kid: realKey.kid })}.${enc(payload)}`;
      const mac = createHmac('sha256', String(realKey.publicJwk.x)).update(input).digest('base64url');
      return `${input}.${mac}`;
    },
    'kid path traversal': () => sign(attacker.privateKey, { typ, kid: '../../../../etc/passwd' }, payload),
    'kid SQL metacharacters': () =>
      sign(attacker.privateKey, { typ, kid: `' OR '1'='1'; DROP TABLE readers; --` }, payload),
    'real kid, attacker signature': () => sign(attacker.privateKey, { typ, kid: realKey.kid }, payload),
    'jku pointing elsewhere': () =>
      sign(attacker.privateKey, { typ, kid: attacker.kid, jku: 'https://evil.example/jwks.json' }, payload),
    'x5u pointing elsewhere': () =>
      sign(attacker.privateKey, { typ, kid: attacker.kid, x5u: 'https://evil.example/cert.pem' }, payload),
    'embedded jwk header': () =>
      sign(attacker.privateKey, { typ, kid: attacker.kid, jwk: attacker.publicJwk }, payload),
    'wrong typ (JWT), real key': () => sign(realKey.privateKey, { typ: 'JWT', kid: realKey.kid }, payload),
    'missing typ, real key': () => sign(realKey.privateKey, { kid: realKey.kid }, payload),
    'oversized token, real key': () =>
      sign(realKey.privateKey, { typ, kid: realKey.kid }, { ...payload, pad: 'x'.repeat(40_000) }),
    'tampered payload of a genuine token': async () => {
      const [h, , s] = genuine.split('.');
      return `${h}.${enc({ ...claims, membership: 'comp', entitled_until: 4_102_444_800 })}.${s}`;
    },
    'token for another publisher': async () => foreign,
    'truncated signature': async () => genuine.slice(0, -10),
  };
}

describe('genuine tokens (control)', () => {
  it('the SDK and introspection accept a genuine token', async () => {
    expect((await verifier.verify(genuine)).aud).toBe(own.id);
    const res = await w.h.call('POST', '/v1/tokens/introspect', { token: own.key, body: { token: genuine } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.active).toBe(true);
  });
});

describe('forged tokens at the SDK', () => {
  for (const name of Object.keys(forgeries())) {
    it(`refuses: ${name}`, async () => {
      const forge = forgeries()[name];
      if (!forge) throw new Error(name);
      const token = await forge();
      const error = await verifier.verify(token).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error, `${name} was accepted`).toBeInstanceOf(EntitlementError);
      expect(fetched.every((u) => u.startsWith(`${BASE}/.well-known/jwks.json`))).toBe(true);
    });
  }
});

describe('forged tokens at introspection', () => {
  for (const name of Object.keys(forgeries())) {
    it(`answers active: false: ${name}`, async () => {
      const forge = forgeries()[name];
      if (!forge) throw new Error(name);
      const token = await forge();
      const res = await unchanged(w, () =>
        w.h.call('POST', '/v1/tokens/introspect', { token: own.key, body: { token } }),
      );
      // An oversized token may also be refused by validation (400); never accepted.
      if (res.status === 400) expect(res.json.code).toBe('invalid_request');
      else expect(res.json, res.text).toEqual({ active: false });
    });
  }

  it('a 1 MiB token is refused with 413 before anything else', async () => {
    const body = JSON.stringify({ token: `${genuine}${'A'.repeat(1024 * 1024)}` });
    const res = await unchanged(w, () =>
      raw(w, '/v1/tokens/introspect', {
        method: 'POST',
        headers: { authorization: `Bearer ${own.key}`, 'content-type': 'application/json' },
        body,
      }),
    );
    expectProblem(res, 413);
  });

  it('the SDK never fetched anything but our JWKS (jku/x5u ignored)', () => {
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.filter((u) => u.includes('evil.example'))).toEqual([]);
  });
});
