/** @module Helpers of the publisher and account tests: tokens (real and forged), subjects, raw SQL. */
import { env } from 'cloudflare:test';
import { base64url, importJWK, type JWTPayload, SignJWT } from 'jose';
import { expect } from 'vitest';
import { hmacSha256 } from '../../src/lib/crypto';
import { BASE, call } from './helpers';

export type Answer = Awaited<ReturnType<typeof call>>;

export function expectProblem(res: Answer, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json).toMatchObject({ status, code });
  expect(res.text).not.toMatch(/at \w+ \(|SQLITE|select |insert into|update |D1_/i);
}

export async function issueToken(session: string, publisher: string, article?: string): Promise<string> {
  const res = await call('POST', '/v1/me/entitlement-token', {
    token: session,
    body: article === undefined ? { publisher } : { publisher, article },
  });
  expect(res.status, res.text).toBe(200);
  return res.json.token as string;
}

export function introspect(apiKey: string, token: string) {
  return call('POST', '/v1/tokens/introspect', { token: apiKey, body: { token } });
}

export function subjectOf(publisherId: string, readerId: string): Promise<string> {
  return hmacSha256(env.PAIRWISE_SECRET, `sub:${publisherId}:${readerId}`);
}

/** Signs with the service's real signing key: what only the service (or a leak of its key) can do. */
export async function signAsService(
  claims: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  const jwk = JSON.parse(env.ENTITLEMENT_SIGNING_KEY);
  const key = await importJWK({ ...jwk, alg: 'ES256' }, 'ES256');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'entitlement+jwt', ...header })
    .sign(key);
}

/** Claims as the service issues them, for `sub` of `readerId` at `publisherId`. */
export async function serviceClaims(publisherId: string, readerId: string, overrides: JWTPayload = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: BASE,
    aud: publisherId,
    sub: await subjectOf(publisherId, readerId),
    iat: now,
    exp: now + 600,
    jti: `jti_${Math.random().toString(36).slice(2)}`,
    scope: 'full_text',
    membership: 'trial',
    entitled_until: now + 86_400,
    ...overrides,
  };
}

export function unsigned(header: Record<string, unknown>, payload: Record<string, unknown>, signature = '') {
  const part = (v: unknown) => base64url.encode(JSON.stringify(v));
  return `${part(header)}.${part(payload)}.${signature}`;
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split('.')[index] ?? '';
  return JSON.parse(new TextDecoder().decode(base64url.decode(part)));
}

export async function sqlRun(query: string, ...params: unknown[]): Promise<void> {
  await env.DB.prepare(query)
    .bind(...params)
    .run();
}

export async function sqlAll<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]> {
  const { results } = await env.DB.prepare(query)
    .bind(...params)
    .all<T>();
  return results;
}
