/**
 * @module ES256 signing (src/lib/jws.ts): tokens that verify against the public key, the key made
 * once per owner, a header signed as it is at each call, and a key that failed to import is tried
 * again rather than failing forever.
 */
import { exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { type EcPrivateJwk, signEs256 } from '../../src/lib/jws';

async function keyPair() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateJwk: (await exportJWK(privateKey)) as EcPrivateJwk, publicJwk: await exportJWK(publicKey) };
}

describe('signEs256', () => {
  it('signs compact JWS that verify, with the header and claims given', async () => {
    const { privateJwk, publicJwk } = await keyPair();
    const owner = {};
    const header = { alg: 'ES256', kid: 'k1', typ: 'entitlement+jwt' };
    const public_ = await importJWK(publicJwk, 'ES256');
    for (let i = 0; i < 3; i++) {
      const token = await signEs256(owner, privateJwk, header, { sub: `s${i}`, n: i });
      const { payload, protectedHeader } = await jwtVerify(token, public_, { algorithms: ['ES256'] });
      expect(protectedHeader).toEqual(header);
      expect(payload).toEqual({ sub: `s${i}`, n: i });
    }
  });

  it('signs a header as it is at each call, a reused frozen one and a changed mutable one', async () => {
    const { privateJwk, publicJwk } = await keyPair();
    const owner = {};
    const public_ = await importJWK(publicJwk, 'ES256');
    const headerOf = async (token: string) => (await jwtVerify(token, public_)).protectedHeader;
    const frozen = Object.freeze({ alg: 'ES256', kid: 'k1', typ: 'entitlement+jwt' });
    for (let i = 0; i < 2; i++)
      expect(await headerOf(await signEs256(owner, privateJwk, frozen, { n: i }))).toEqual(frozen);
    const mutable: Record<string, unknown> = { alg: 'ES256', kid: 'k1' };
    expect(await headerOf(await signEs256(owner, privateJwk, mutable, { n: 1 }))).toEqual({
      alg: 'ES256',
      kid: 'k1',
    });
    mutable.kid = 'k2';
    expect(await headerOf(await signEs256(owner, privateJwk, mutable, { n: 2 }))).toEqual({
      alg: 'ES256',
      kid: 'k2',
    });
  });

  it('keeps the key of the first call per owner', async () => {
    const first = await keyPair();
    const second = await keyPair();
    const owner = {};
    await signEs256(owner, first.privateJwk, { alg: 'ES256' }, { n: 1 });
    const token = await signEs256(owner, second.privateJwk, { alg: 'ES256' }, { n: 2 });
    await expect(jwtVerify(token, await importJWK(first.publicJwk, 'ES256'))).resolves.toBeTruthy();
  });

  it('tries again after a key that could not be imported', async () => {
    const owner = {};
    await expect(signEs256(owner, { x: 'bad', y: 'bad', d: 'bad' }, { alg: 'ES256' }, {})).rejects.toThrow();
    const { privateJwk, publicJwk } = await keyPair();
    const token = await signEs256(owner, privateJwk, { alg: 'ES256' }, { ok: true });
    const { payload } = await jwtVerify(token, await importJWK(publicJwk, 'ES256'));
    expect(payload).toEqual({ ok: true });
  });
});
