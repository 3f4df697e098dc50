import { sql } from 'drizzle-orm';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairwiseSubject } from '../../src/features/tokens/issue';
import { BASE, type NodeDoor, startNodeDoor } from '../support/node-door';

/** A key the service used before a rotation: its public half is still published. */
const previous = await generateKeyPair('ES256', { extractable: true });
const previousPublic = await exportJWK(previous.publicKey);
const previousKid = await calculateJwkThumbprint(previousPublic, 'sha256');

let h: NodeDoor;
let pub: { publisher: { id: string }; api_key: string };
let reader: { id: string; session: string };

beforeAll(async () => {
  h = await startNodeDoor({
    ENTITLEMENT_PREVIOUS_KEYS: JSON.stringify([{ ...previousPublic, kid: previousKid }]),
  });
  const created = await h.call('POST', '/v1/admin/publishers', {
    token: h.env.ADMIN_API_KEY,
    body: { name: 'Daily', origins: ['https://daily.example'] },
  });
  pub = created.json;
  const signed = await h.call('POST', '/v1/readers', {
    body: { email: 'node.reader@example.com', password: 'pass phrase 1' },
  });
  reader = { id: signed.json.reader.id, session: signed.json.session_token };
});
afterAll(() => h.close());

async function issue(): Promise<string> {
  const res = await h.call('POST', '/v1/me/entitlement-token', {
    token: reader.session,
    body: { publisher: pub.publisher.id },
  });
  expect(res.status).toBe(200);
  return res.json.token;
}

async function claims(overrides: JWTPayload = {}): Promise<JWTPayload> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: BASE,
    aud: pub.publisher.id,
    sub: await pairwiseSubject(h.ctx.config, pub.publisher.id, reader.id),
    iat: now,
    exp: now + 300,
    jti: 'jti_rotation',
    scope: 'full_text',
    membership: 'trial',
    entitled_until: now + 86_400,
    ...overrides,
  };
}

const introspect = (token: string) =>
  h.call('POST', '/v1/tokens/introspect', { token: pub.api_key, body: { token } });

describe('introspection and reads on Node (libSQL)', () => {
  it('accepts tokens of a previous key still in the JWKS, and no other key', async () => {
    await issue(); // the first token remembers the pairwise subject
    const byPrevious = await new SignJWT(await claims())
      .setProtectedHeader({ alg: 'ES256', kid: previousKid, typ: 'entitlement+jwt' })
      .sign(previous.privateKey);
    expect((await introspect(byPrevious)).json).toMatchObject({ active: true, sub: (await claims()).sub });

    const stranger = await generateKeyPair('ES256');
    const byStranger = await new SignJWT(await claims())
      .setProtectedHeader({ alg: 'ES256', kid: previousKid, typ: 'entitlement+jwt' })
      .sign(stranger.privateKey);
    expect((await introspect(byStranger)).json).toEqual({ active: false });
  });

  it('remembers each pairwise subject once, however many tokens are issued', async () => {
    for (let i = 0; i < 3; i++) await issue();
    const rows = await h.ctx.db.all(sql`SELECT * FROM pairwise_subjects WHERE reader_id = ${reader.id}`);
    expect(rows).toHaveLength(1);
  });

  it('counts a read once even when the same report arrives many times at once', async () => {
    const token = await issue();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.call('POST', '/v1/reads', { token: pub.api_key, body: { token, article: { id: 'concurrent' } } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(answers.filter((a) => a.json.counted)).toHaveLength(1);
    const report = await h.call('GET', '/v1/publisher/reads', { token: pub.api_key });
    expect(report.json).toMatchObject({ reads: 1, unique_readers: 1 });
  });
});
