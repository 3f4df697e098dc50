/**
 * @module The mandated work of one token issuance, shared by the floors that serve it (bare
 * `node:http` and the house stack without the service's code): hash the session token, one indexed
 * read of session + reader + membership (and the seat held, with its owner's membership), one
 * ES256 signature. Returns the JSON answer, or null for an unknown session.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import Database from 'libsql';
import { FLOOR_TTL, floorClaims } from './claims';

export function issuanceWork(file: string): (publisher: string, authorization: string) => object | null {
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
  return (publisher, authorization) => {
    const token = authorization.slice('Bearer '.length);
    const now = Math.floor(Date.now() / 1000);
    const row = lookup.get(createHash('sha256').update(token).digest('hex'), now);
    if (!row) return null;
    const claims = floorClaims(publisher, now, randomBytes(12).toString('base64url'));
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return {
      token: `${input}.${signature.toString('base64url')}`,
      expires_at: new Date((now + FLOOR_TTL) * 1000).toISOString(),
    };
  };
}
