/**
 * @module The floor for token issuance inside workerd: a bare module Worker (no framework, no ORM,
 * no validation, no logging) doing only the work an issuance must do: SHA-256 of the session token,
 * the same indexed D1 read as the service (session + reader + membership, and the seat held with
 * its owner's membership), one ES256 signature with WebCrypto, one JSON answer; and a bare
 * `/health`. `bench/workerd.bench.ts` runs it beside the service, on the same D1 database.
 */
import { FLOOR_TTL, floorClaims } from './claims';

interface FloorEnv {
  DB: D1Database;
  /** The private signing JWK (JSON), the service's own ENTITLEMENT_SIGNING_KEY. */
  ENTITLEMENT_SIGNING_KEY: string;
}

// The same join bench/floor/issuance-server.ts runs (and the service's session lookup reads).
const LOOKUP = `SELECT s.id, s.created_at, r.*, m.*, om.* FROM sessions s JOIN readers r ON r.id = s.reader_id
  LEFT JOIN memberships m ON m.reader_id = s.reader_id
  LEFT JOIN seats st ON st.member_reader_id = s.reader_id
  LEFT JOIN memberships om ON om.reader_id = st.owner_reader_id
  WHERE s.token_hash = ? AND s.expires_at > ? LIMIT 1`;

const encoder = new TextEncoder();
let signingKey: Promise<CryptoKey> | undefined;

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const header = base64url(
  encoder.encode(JSON.stringify({ alg: 'ES256', kid: 'floor', typ: 'entitlement+jwt' })),
);

function json(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'application/json' } });
}

async function issue(request: Request, env: FloorEnv): Promise<Response> {
  const { publisher } = (await request.json()) as { publisher: string };
  const token = (request.headers.get('authorization') ?? '').slice('Bearer '.length);
  const now = Math.floor(Date.now() / 1000);
  const hash = hex(await crypto.subtle.digest('SHA-256', encoder.encode(token)));
  const rows = await env.DB.prepare(LOOKUP).bind(hash, now).raw();
  if (rows.length === 0) return json(401, '{}');
  signingKey ??= crypto.subtle.importKey(
    'jwk',
    JSON.parse(env.ENTITLEMENT_SIGNING_KEY) as JsonWebKey,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const claims = floorClaims(publisher, now, base64url(crypto.getRandomValues(new Uint8Array(12))));
  const input = `${header}.${base64url(encoder.encode(JSON.stringify(claims)))}`;
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    await signingKey,
    encoder.encode(input),
  );
  return json(
    200,
    JSON.stringify({
      token: `${input}.${base64url(new Uint8Array(signature))}`,
      expires_at: new Date((now + FLOOR_TTL) * 1000).toISOString(),
    }),
  );
}

export default {
  fetch(request, env) {
    if (new URL(request.url).pathname === '/health') return json(200, '{"status":"ok"}');
    return issue(request, env);
  },
} satisfies ExportedHandler<FloorEnv>;
