/** `/docs` in workerd: its viewer comes from the Worker's static assets (the installed package), not a CDN. */
import { describe, expect, it } from 'vitest';
import { call } from './helpers';

describe('/docs on Workers', () => {
  it('serves the viewer script from the ASSETS binding', async () => {
    const docs = await call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('<script src="/docs/viewer.js"');
    expect(docs.headers.get('content-security-policy') ?? '').not.toMatch(/https?:/);
    const viewer = await call('GET', '/docs/viewer.js');
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(viewer.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(viewer.text.length).toBeGreaterThan(1_000_000);
  });
});
