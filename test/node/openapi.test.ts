import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedViewerFile } from '../../src/features/docs/viewer-file';
import { type NodeDoor, serveNodeDoor, startNodeDoor } from '../support/node-door';

/**
 * HTML pages for people (and the docs themselves) are routes but not API endpoints: they are
 * listed here explicitly, so that any other route missing from the OpenAPI document fails.
 */
const NOT_API = [
  /^\/$/,
  /^\/(signup|login|logout|account|subscribe|gift|seats|reset-password|sign-in\/email)(\/.*)?$/,
  /^\/dev\/inbox(\/\{id\}\/html)?$/,
  /^\/account\/.*$/,
  /^\/docs(\/errors|\/viewer\.js)?$/,
  /^\/titles$/,
  // The consoles (docs/CONSOLES.md): pages over the same use-cases as the documented API.
  /^\/publisher(\/.*)?$/,
  /^\/admin(\/.*)?$/,
  /^\/assets\/passkeys\.js$/,
  /^\/openapi\.json$/,
];

let h: NodeDoor;
beforeAll(async () => {
  h = await startNodeDoor();
});
afterAll(() => h.close());

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const doc = (await h.call('GET', '/openapi.json')).json;
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every registered route (except the listed HTML pages)', async () => {
    const doc = (await h.call('GET', '/openapi.json')).json as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const missing: string[] = [];
    for (const route of h.app.routes) {
      if (route.method === 'ALL' || route.path.includes('*')) continue; // middleware
      const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      if (route.method === 'HEAD' || NOT_API.some((re) => re.test(path))) continue;
      if (!documented.has(`${route.method} ${path}`)) missing.push(`${route.method} ${path}`);
    }
    expect(missing).toEqual([]);
  });

  it('declares the security schemes and problem responses', async () => {
    const doc = (await h.call('GET', '/openapi.json')).json;
    expect(Object.keys(doc.components.securitySchemes)).toEqual(
      expect.arrayContaining(['session', 'adminKey']),
    );
    expect(doc.paths['/v1/readers'].post.responses['400'].content['application/problem+json']).toBeDefined();
  });

  it('renders at /docs with a viewer and documents the error codes', async () => {
    const docs = await h.call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('/openapi.json');
    expect(docs.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const errors = await h.call('GET', '/docs/errors');
    expect(errors.status).toBe(200);
    for (const code of ['invalid_request', 'not_entitled', 'rate_limited', 'unavailable']) {
      expect(errors.text).toContain(`id="${code}"`);
    }
    // The help's code spans are set as code, not shown as Markdown backticks.
    expect(errors.text).toContain('<code>Retry-After</code>');
    expect(errors.text).not.toContain('`');
  });

  it('works offline: /docs loads its viewer from the service itself, nothing from elsewhere', async () => {
    const docs = await h.call('GET', '/docs');
    const csp = docs.headers.get('content-security-policy') ?? '';
    expect(csp).not.toMatch(/https?:/);
    expect(csp).toMatch(/script-src 'nonce-[^']+' 'self'/);
    expect(docs.text).toContain('<script src="/docs/viewer.js"');
    expect(docs.text).not.toMatch(/https?:\/\/|(src|href)="\/\//);
    // Over HTTP, as a browser gets it: the installed package's file, with an ETag to revalidate.
    const server = await serveNodeDoor(h);
    try {
      await viewerOverHttp(`${server.url}/docs/viewer.js`);
    } finally {
      await server.close();
    }
  });
});

async function viewerOverHttp(url: string): Promise<void> {
  const viewer = await fetch(url);
  expect(viewer.status).toBe(200);
  expect(viewer.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(viewer.headers.get('cache-control')).toBe('public, max-age=86400');
  const script = await viewer.text();
  expect(script).toBe(readFileSync(installedViewerFile(), 'utf8'));
  expect(script).toContain('createApiReference');
  const etag = viewer.headers.get('etag') ?? '';
  expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
  const again = await fetch(url, { headers: { 'if-none-match': `W/${etag}` } });
  expect(again.status).toBe(304);
  expect(await again.text()).toBe('');
  const stale = await fetch(url, { headers: { 'if-none-match': '"other"' } });
  expect(stale.status).toBe(200);
  await stale.body?.cancel();
}
