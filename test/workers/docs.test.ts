/** @module `/docs` in workerd: its viewer comes from the Worker's static assets (dist/docs-assets, the ASSETS binding), not a CDN. */
import { describe, expect, it } from 'vitest';
import { call } from './helpers';

describe('/docs on Workers', () => {
  it('references nothing of another origin, and its CSP allows none', async () => {
    const docs = await call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('<script src="/docs/viewer.js"');
    expect(docs.text).not.toMatch(/https?:\/\/|(src|href)="\/\//);
    const csp = docs.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'nonce-[^']+' 'self'/);
    expect(csp).not.toMatch(/https?:/);
  });

  it('serves the viewer script from the ASSETS binding, with an ETag that revalidates to 304', async () => {
    const viewer = await call('GET', '/docs/viewer.js');
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(viewer.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(viewer.text.length).toBeGreaterThan(1_000_000);
    expect(viewer.text).toContain('createApiReference');
    const etag = viewer.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[^"]+"$/);

    const again = await call('GET', '/docs/viewer.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const stale = await call('GET', '/docs/viewer.js', { headers: { 'if-none-match': '"not-it"' } });
    expect(stale.status).toBe(200);
  });
});
