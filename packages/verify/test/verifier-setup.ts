/** @module The verifier tests' shared setup: three keys made once, JWKS servers closed after each test, a verifier for a server and a clock. */
import { afterEach, beforeAll, vi } from 'vitest';
import { createEntitlementVerifier, type EntitlementVerifierOptions } from '../src/index.js';
import {
  ISSUER,
  type JwksServer,
  type makeClock,
  makeKey,
  PUBLISHER_ID,
  startJwksServer,
  type TestKey,
} from './fixtures.js';

export let ours: TestKey;
export let next: TestKey;
export let stranger: TestKey;
beforeAll(async () => {
  [ours, next, stranger] = await Promise.all([makeKey(), makeKey(), makeKey()]);
});

const servers: JwksServer[] = [];

export async function serve(...keys: TestKey[]): Promise<JwksServer> {
  const server = await startJwksServer(keys.map((key) => key.jwk));
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  vi.restoreAllMocks();
});

export function verifierFor(
  server: JwksServer,
  clock: ReturnType<typeof makeClock>,
  options: Partial<EntitlementVerifierOptions> = {},
) {
  return createEntitlementVerifier({
    issuer: ISSUER,
    publisherId: PUBLISHER_ID,
    jwksUrl: server.url,
    now: clock.now,
    ...options,
  });
}
