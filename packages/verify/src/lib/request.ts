/** @module What the Hono middleware reads from a request (token, Workers `waitUntil`) and the 401 problem it answers. */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { EntitlementErrorCode } from './errors.js';
import type { EntitlementVerifyContext } from './types.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

// Fixed sentences rather than the error's message, which may name internal hosts (a JWKS URL).
/** The problem `detail` for each refusal code. */
export const DETAILS: Readonly<Record<EntitlementErrorCode, string>> = {
  expired: 'The entitlement token has expired.',
  invalid_signature: 'The entitlement token signature is not valid.',
  wrong_audience: 'The entitlement token was issued for another publisher.',
  wrong_issuer: 'The entitlement token was issued by another issuer.',
  malformed: 'The entitlement token is malformed.',
  unknown_key: 'The entitlement token was signed with a key that is not known here.',
  not_yet_valid: 'The entitlement token is not valid yet.',
};

/** The token of `Authorization: Bearer …`, else of the cookie; undefined when there is none. */
export function tokenFromRequest(c: Context, cookieName: string): string | undefined {
  const authorization = c.req.header('authorization');
  const bearer = authorization === undefined ? null : BEARER.exec(authorization);
  if (bearer?.[1] !== undefined) return bearer[1];
  const cookie = getCookie(c, cookieName);
  return cookie === undefined || cookie === '' ? undefined : cookie;
}

// On Workers, a background JWKS refresh must be handed to waitUntil or it dies with the response.
/** The verify context of a request: its `waitUntil` where the runtime gave an ExecutionContext. */
export function requestContext(c: Context): EntitlementVerifyContext | undefined {
  let executionCtx: Context['executionCtx'];
  try {
    executionCtx = c.executionCtx;
  } catch {
    // Hono throws when the runtime gave no ExecutionContext (Node, Deno, Bun, tests).
    return undefined;
  }
  return { waitUntil: (promise) => executionCtx.waitUntil(promise) };
}

/** A 401 `application/problem+json` answer, never cached. */
export function unauthorized(c: Context, code: string, detail: string, invalidToken: boolean): Response {
  const problem = { type: 'about:blank', title: 'Unauthorized', status: 401, detail, code };
  return c.body(JSON.stringify(problem), 401, {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
    'www-authenticate': invalidToken ? 'Bearer error="invalid_token"' : 'Bearer',
  });
}
