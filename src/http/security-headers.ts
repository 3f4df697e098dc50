/**
 * @module The headers every answer carries: its request id, nosniff, referrer policy, a default CSP,
 * no-store, HSTS in production.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app/env';

/** The answer's own CSP or Cache-Control, when it has one, wins over these. */
const DEFAULTS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'cache-control': 'no-store',
};
const HSTS = 'max-age=63072000; includeSubDomains';

/** What every answer carries besides its request id: built once, not per request. */
const FIXED: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  ...DEFAULTS,
};
const FIXED_IN_PRODUCTION: Readonly<Record<string, string>> = { ...FIXED, 'strict-transport-security': HSTS };

/**
 * Adds them to `c.res`, or, where the door can write them more cheaply (`AppContext.stampHeaders`:
 * the Node door sets them on the outgoing message, under the answer's own headers), leaves them to
 * the door. Going through `c.res.headers` turns the Node door's lightweight answer into a full
 * `Headers` object that is then copied back out, which cost more than some whole routes.
 * No route sets X-Request-Id, X-Content-Type-Options, Referrer-Policy or HSTS itself (the door's
 * way would let the answer's own value win).
 */
export function securityHeaders(c: Context<AppEnv>, requestId: string): void {
  const ctx = c.get('ctx');
  const production = ctx?.config.environment === 'production';
  if (ctx?.stampHeaders?.(c, requestId, production ? FIXED_IN_PRODUCTION : FIXED)) return;
  const h = c.res.headers;
  h.set('X-Request-Id', requestId);
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  for (const name in DEFAULTS) if (!h.has(name)) h.set(name, DEFAULTS[name] as string);
  if (production) h.set('Strict-Transport-Security', HSTS);
}
