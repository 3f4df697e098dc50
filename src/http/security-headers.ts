/** @module The headers every answer carries: nosniff, referrer policy, a default CSP, no-store, HSTS in production. */
import type { Context } from 'hono';
import type { AppEnv } from '../app/env';

export function securityHeaders(c: Context<AppEnv>): void {
  const h = c.res.headers;
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  if (!h.has('Content-Security-Policy')) {
    h.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  }
  if (!h.has('Cache-Control')) h.set('Cache-Control', 'no-store');
  if (c.get('ctx')?.config.environment === 'production') {
    h.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  }
}
