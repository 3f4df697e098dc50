/** @module About the service: the OpenAPI document rendered at `/docs`, the error code reference, the health check. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { AppEnv } from '../../app/env';
import { ERROR_CODES } from '../../app/errors';
import { publicSecurity } from '../../http/openapi';
import { serveStaticScript } from '../../http/static-asset';
import { randomToken } from '../../lib/crypto';
import { escapeHtml } from '../../lib/html';
import { VIEWER_CACHE_CONTROL, VIEWER_PATH } from './viewer';

const ERROR_HELP: Record<keyof typeof ERROR_CODES, string> = {
  invalid_request:
    'The body or query failed validation. `errors` lists each field (`path`) and what is wrong with it.',
  unauthenticated: 'The session, admin key or publisher key is missing, malformed, expired or revoked.',
  not_entitled:
    'The reader has no entitlement now. `reason` says why; `subscribe_url` is where to send them.',
  forbidden: 'Authenticated, but not allowed: a read-only admin key on a mutation, or a cross-site request.',
  not_found: 'No such resource or route.',
  method_not_allowed: 'The route exists but not with this method.',
  email_taken: 'An account already exists for this email (or for the same person under another spelling).',
  conflict: 'The request conflicts with the current state, e.g. a second subscription.',
  payload_too_large: 'Bodies are limited to 64 KiB (webhooks: 1 MiB).',
  unsupported_media_type: 'JSON endpoints need `Content-Type: application/json`.',
  rate_limited: 'Too many requests; wait for `Retry-After` seconds.',
  internal: 'An unexpected error on our side; the `request_id` identifies it in our logs.',
  unavailable: 'A dependency (the database or Stripe) failed; the request is safe to retry.',
};

/** Help text as HTML: escaped, with its `code spans` set as code. */
function helpHtml(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  tags: ['Discovery'],
  security: publicSecurity,
  summary: 'Liveness: answers without touching the database',
  responses: {
    200: { description: 'OK', content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } } },
  },
});

export const docsRoutes = new OpenAPIHono<AppEnv>().openapi(healthRoute, (c) => c.json({ ok: true }, 200));

// The viewer's script, served by the service itself from the installed package: /docs needs no CDN.
docsRoutes.get(VIEWER_PATH, (c) => serveStaticScript(c, VIEWER_PATH, VIEWER_CACHE_CONTROL));

docsRoutes.get('/docs', async (c, next) => {
  const nonce = randomToken(16);
  const res = await Scalar<AppEnv>({
    url: '/openapi.json',
    pageTitle: 'OnePass API',
    cdn: VIEWER_PATH,
    nonce,
    // Offline as online: no web fonts from elsewhere, the system's own.
    withDefaultFonts: false,
  })(c, next);
  const response = res ?? c.res;
  response.headers.set(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      `script-src 'nonce-${nonce}' 'self'`,
      "style-src 'self' 'unsafe-inline'",
      "font-src 'self' data:",
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
  );
  response.headers.set('Cache-Control', 'public, max-age=300');
  return response;
});

docsRoutes.get('/docs/errors', (c) => {
  const rows = Object.entries(ERROR_CODES)
    .map(
      ([code, { status, title }]) =>
        `<tr id="${code}"><td><code>${code}</code></td><td>${status}</td><td>${escapeHtml(title)}</td><td>${helpHtml(ERROR_HELP[code as keyof typeof ERROR_CODES])}</td></tr>`,
    )
    .join('\n');
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  );
  c.header('Cache-Control', 'public, max-age=3600');
  return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>OnePass API errors</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.5rem;text-align:left;vertical-align:top}
tr:target{background:#fff6d6}</style></head>
<body><h1>Errors</h1>
<p>Every error is <code>application/problem+json</code> (RFC 9457): <code>{type, title, status, detail, code, request_id}</code>, plus the fields named below. Branch on <code>code</code>; it is stable.</p>
<table><thead><tr><th scope="col">code</th><th scope="col">status</th><th scope="col">title</th><th scope="col">meaning</th></tr></thead>
<tbody>${rows}</tbody></table></body></html>`);
});
