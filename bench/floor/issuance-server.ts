/**
 * @module The floor for token issuance on this machine: a bare `node:http` server (no framework, no
 * ORM, no validation, no logging) that does only the work the issuance route must do per request:
 * hash the session token, one indexed read of session + reader + membership (and the seat held, with
 * its owner's membership), one ES256 signature, one JSON answer. `bench/issuance.bench.ts` measures
 * the service against it in the same run (target: ≥ 0.8× of its rate).
 *
 *   node --import tsx bench/floor/issuance-server.ts <database file> <port>
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import Database from 'libsql';
import { serveBare } from './bare-server';
import { FLOOR_TTL, floorClaims } from './claims';

const [file, port] = process.argv.slice(2);
if (!file || !port) throw new Error('usage: issuance-server.ts <database file> <port>');
const db = new Database(file);
db.exec('PRAGMA journal_mode = WAL');
const lookup = db
  .prepare(
    // The reader, their membership, and the seat they may hold with its owner's membership (family
    // and group plans): what decides an entitlement, as the service reads it.
    `SELECT s.id, s.created_at, r.*, m.*, om.* FROM sessions s JOIN readers r ON r.id = s.reader_id
     LEFT JOIN memberships m ON m.reader_id = s.reader_id
     LEFT JOIN seats st ON st.member_reader_id = s.reader_id
     LEFT JOIN memberships om ON om.reader_id = st.owner_reader_id
     WHERE s.token_hash = ? AND s.expires_at > ? LIMIT 1`,
  )
  .raw(true);
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'floor', typ: 'entitlement+jwt' })).toString(
  'base64url',
);

serveBare(Number(port), (req, body) => {
  const { publisher } = JSON.parse(body) as { publisher: string };
  const token = String(req.headers.authorization).slice('Bearer '.length);
  const now = Math.floor(Date.now() / 1000);
  const row = lookup.get(createHash('sha256').update(token).digest('hex'), now);
  if (!row) return { status: 401, body: '{}' };
  const claims = floorClaims(publisher, now, randomBytes(12).toString('base64url'));
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return {
    status: 200,
    body: JSON.stringify({
      token: `${input}.${signature.toString('base64url')}`,
      expires_at: new Date((now + FLOOR_TTL) * 1000).toISOString(),
    }),
  };
});
