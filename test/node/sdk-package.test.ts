/**
 * The publisher SDK as publishers install it, against the service as it runs: `npm pack` of the
 * built `@onepass/verify`, installed alone into an empty project, verifies a token the Node door
 * issued, fetching the keys from the door's JWKS over HTTP, and refuses the same token for another
 * publisher.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPublisher, signUp } from '../support/door';
import { type NodeDoor, serveNodeDoor, startNodeDoor } from '../support/node-door';

const run = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, '../../packages/verify');
const work = mkdtempSync(path.join(tmpdir(), 'onepass-sdk-service-'));
const project = path.join(work, 'publisher');

let door: NodeDoor;
let served: { url: string; close(): Promise<void> };

const CONSUMER = `
import { createEntitlementVerifier, EntitlementError } from '@onepass/verify';
const [issuer, publisherId, jwksUrl, token] = process.argv.slice(2);
const verify = (audience) => createEntitlementVerifier({ issuer, publisherId: audience, jwksUrl }).verify(token);
const claims = await verify(publisherId);
let other = 'accepted';
try { await verify('pub_someoneelse0000000000'); } catch (error) {
  other = error instanceof EntitlementError ? error.code : String(error);
}
console.log(JSON.stringify({ sub: claims.sub, membership: claims.membership, article: claims.article, other }));
`;

beforeAll(async () => {
  if (!existsSync(path.join(packageDir, 'dist/index.js'))) throw new Error('run `npm run build` first');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: packageDir });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  mkdirSync(project);
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'site', private: true, type: 'module' }),
  );
  writeFileSync(path.join(project, 'consumer.mjs'), CONSUMER);
  await run('npm', ['install', path.join(work, packed?.filename ?? ''), '--no-audit', '--no-fund'], {
    cwd: project,
  });
  door = await startNodeDoor();
  served = await serveNodeDoor(door);
}, 120_000);

afterAll(async () => {
  await served?.close();
  door?.close();
  rmSync(work, { recursive: true, force: true });
});

it('the packed SDK, installed alone, verifies a token from the running service against its JWKS', async () => {
  expect(readdirSync(path.join(project, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual([
    '@onepass',
  ]);

  const { publisher } = await createPublisher(door);
  const { token: session } = await signUp(door);
  const issued = await door.call('POST', '/v1/me/entitlement-token', {
    token: session,
    body: { publisher: publisher.id, article: 'budget-2027' },
  });
  expect(issued.status).toBe(200);

  const jwksUrl = `${served.url}/.well-known/jwks.json`;
  const { stdout } = await run(
    process.execPath,
    ['consumer.mjs', door.base, publisher.id, jwksUrl, issued.json.token],
    {
      cwd: project,
      timeout: 30_000,
    },
  );
  // The pairwise subject the service put in the token, read without verifying.
  const payload = JSON.parse(
    Buffer.from(String(issued.json.token).split('.')[1] ?? '', 'base64url').toString(),
  );
  expect(JSON.parse(stdout)).toEqual({
    sub: payload.sub,
    membership: 'trial',
    article: 'budget-2027',
    other: 'wrong_audience',
  });
}, 60_000);
