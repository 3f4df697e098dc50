/** SHA-256 digests as the session store keys them: lower-case hex, FIPS 180-2's vectors. */
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/crypto';

describe('sha256Hex', () => {
  it('gives the digests of "abc" and of the empty string', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
