/** @module Hono middleware that verifies a reader's entitlement token and exposes its claims to the handlers. */
import type { Context, MiddlewareHandler } from 'hono';
import { EntitlementError } from './lib/errors.js';
import { DETAILS, requestContext, tokenFromRequest, unauthorized } from './lib/request.js';
import type { EntitlementClaims, EntitlementVerifier, EntitlementVerifierOptions } from './lib/types.js';
import { createEntitlementVerifier } from './verify.js';

/**
 * The variables the middleware sets, for `new Hono<{ Variables: EntitlementVariables }>()`.
 * Both are `null` when the request carried no token.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: EntitlementVariables }>();
 * app.get('/articles/:id', (c) => (c.var.entitlement ? c.html(full) : c.html(teaser)));
 * ```
 */
export interface EntitlementVariables {
  /** The verified claims, or `null` when there is no valid token. */
  entitlement: EntitlementClaims | null;
  /** Why the token was refused, or `null` when it was valid or absent. */
  entitlementError: EntitlementError | null;
}

/**
 * How the middleware finds the token and what it does without a valid one.
 *
 * @example
 * ```ts
 * const options: EntitlementMiddlewareBaseOptions = { cookieName: 'paywall', required: true };
 * ```
 */
export interface EntitlementMiddlewareBaseOptions {
  /** Reads the token from the request. Default: `Authorization: Bearer …`, else the cookie `cookieName`. */
  getToken?: (c: Context) => string | undefined;
  /** The cookie the default `getToken` falls back to; default `entitlement`. */
  cookieName?: string;
  /**
   * When true, a request without a valid token is answered 401 `application/problem+json`. When
   * false (the default), the handler runs anyway and decides, e.g. by rendering the teaser.
   */
  required?: boolean;
}

/**
 * Options of {@link entitlement}: an existing verifier, or the options to create one.
 *
 * @example
 * ```ts
 * const options: EntitlementMiddlewareOptions = {
 *   issuer: 'https://paywall.example',
 *   publisherId: 'pub_4x7q2m9k3h8w1z6c5v0b',
 *   required: true,
 * };
 * ```
 */
export type EntitlementMiddlewareOptions = EntitlementMiddlewareBaseOptions &
  ({ verifier: EntitlementVerifier } | (EntitlementVerifierOptions & { verifier?: undefined }));

/**
 * Hono middleware that verifies the request's entitlement token and sets `c.var.entitlement` and
 * `c.var.entitlementError`. The verifier is created once, here, not per request.
 *
 * Pages whose content depends on `c.var.entitlement` must not be cached publicly (send
 * `Cache-Control: private` or `no-store`).
 *
 * @throws TypeError when the options are invalid.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { entitlement, type EntitlementVariables } from '@onepass/verify/hono';
 *
 * const app = new Hono<{ Variables: EntitlementVariables }>();
 * app.use('/articles/*', entitlement({ issuer: 'https://paywall.example', publisherId: 'pub_4x7q2m9k3h8w1z6c5v0b' }));
 * app.get('/articles/:id', (c) => c.html(c.var.entitlement ? fullText : teaser));
 * ```
 */
export function entitlement(
  options: EntitlementMiddlewareOptions,
): MiddlewareHandler<{ Variables: EntitlementVariables }> {
  const { getToken, cookieName = 'entitlement', required = false } = options;
  if (getToken !== undefined && typeof getToken !== 'function') {
    throw new TypeError('entitlement: getToken must be a function');
  }
  if (typeof cookieName !== 'string' || cookieName === '') {
    throw new TypeError('entitlement: cookieName must be a non-empty string');
  }
  let verifier: EntitlementVerifier;
  if (options.verifier !== undefined) {
    if ('issuer' in options || 'publisherId' in options) {
      throw new TypeError('entitlement: give either a verifier or the verifier options, not both');
    }
    verifier = options.verifier;
  } else {
    verifier = createEntitlementVerifier(options);
  }
  const readToken = getToken ?? ((c: Context) => tokenFromRequest(c, cookieName));

  return async (c, next) => {
    const token = readToken(c);
    if (token === undefined || token === '') {
      if (required) return unauthorized(c, 'unauthenticated', 'An entitlement token is required.', false);
      c.set('entitlement', null);
      c.set('entitlementError', null);
      return next();
    }
    try {
      c.set('entitlement', await verifier.verify(token, requestContext(c)));
      c.set('entitlementError', null);
    } catch (error) {
      // Anything else is a bug or a broken runtime: the app's error handler should see it.
      if (!(error instanceof EntitlementError)) throw error;
      if (required) return unauthorized(c, error.code, DETAILS[error.code], true);
      c.set('entitlement', null);
      c.set('entitlementError', error);
    }
    return next();
  };
}
