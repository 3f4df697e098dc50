/**
 * @module The headers every answer carries, as the Node door writes them over HTTP (on its outgoing
 * message, under the answer's own headers) and as the app adds them in process: the same on both
 * ways, the answer's own CSP or Cache-Control winning over the defaults, HSTS only in production.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeDoor, serveNodeDoor, startNodeDoor } from '../support/node-door';

const PRODUCTION = {
  ENVIRONMENT: 'production',
  PUBLIC_URL: 'https://paywall.example',
  STRIPE_SECRET_KEY: 'sk_test_emulator_0000000000000000',
  STRIPE_WEBHOOK_SECRET: 'whsec_emulator_0000000000000000',
  STRIPE_API_BASE: 'http://127.0.0.1:12111',
  STRIPE_PRICE_MONTHLY: 'price_monthly_emulator',
  STRIPE_PRICE_ANNUAL: 'price_annual_emulator',
};
const STAMPED = [
  'x-content-type-options',
  'referrer-policy',
  'content-security-policy',
  'cache-control',
  'strict-transport-security',
];

let door: NodeDoor;
let prod: NodeDoor;
let served: { url: string; close(): Promise<void> };
let servedProd: { url: string; close(): Promise<void> };
let servedPlain: { url: string; close(): Promise<void> };

beforeAll(async () => {
  door = await startNodeDoor();
  prod = await startNodeDoor(PRODUCTION);
  served = await serveNodeDoor(door);
  servedProd = await serveNodeDoor(prod);
  servedPlain = await serveNodeDoor(door, { plain: true });
});
afterAll(async () => {
  await served.close();
  await servedProd.close();
  await servedPlain.close();
  door.close();
  prod.close();
});

const pick = (headers: Headers) => Object.fromEntries(STAMPED.map((name) => [name, headers.get(name)]));

/** GET and a POST without credentials, a 404, a page with its own CSP, an answer with its own Cache-Control. */
const REQUESTS: Array<[string, RequestInit]> = [
  ['/health', {}],
  ['/.well-known/jwks.json', {}],
  ['/v1/me', {}],
  ['/v1/no-such-route', {}],
  ['/login', { headers: { accept: 'text/html' } }],
  [
    '/v1/me/entitlement-token',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"publisher":"pub_x"}' },
  ],
];

describe('answer headers on the Node door', () => {
  it('over HTTP are those of the same request in process, with a fresh request id each', async () => {
    for (const [p, init] of REQUESTS) {
      const overHttp = await fetch(`${served.url}${p}`, init);
      const inProcess = await door.app.request(`${door.base}${p}`, init);
      expect(overHttp.status, p).toBe(inProcess.status);
      expect(pick(overHttp.headers), p).toEqual(pick(inProcess.headers));
      expect(overHttp.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(overHttp.headers.get('referrer-policy'), p).toBe('strict-origin-when-cross-origin');
      expect(overHttp.headers.get('strict-transport-security'), p).toBeNull();
      expect(overHttp.headers.get('x-request-id'), p).toMatch(/^req_/);
      expect(overHttp.headers.get('x-request-id'), p).not.toBe(inProcess.headers.get('x-request-id'));
    }
  });

  it("lets the answer's own CSP and Cache-Control win over the defaults", async () => {
    const api = await fetch(`${served.url}/health`);
    expect(api.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(api.headers.get('cache-control')).toBe('no-store');
    const jwks = await fetch(`${served.url}/.well-known/jwks.json`);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    const page = await fetch(`${served.url}/login`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  });

  it('are the same on a server with a plain ServerResponse (headers set one by one)', async () => {
    for (const [p, init] of REQUESTS) {
      const stamped = await fetch(`${served.url}${p}`, init);
      const plain = await fetch(`${servedPlain.url}${p}`, init);
      expect(plain.status, p).toBe(stamped.status);
      expect(pick(plain.headers), p).toEqual(pick(stamped.headers));
      expect(plain.headers.get('content-type'), p).toBe(stamped.headers.get('content-type'));
      expect(plain.headers.get('x-request-id'), p).toMatch(/^req_/);
    }
  });

  it("writes each header once, the answer's own in place of the default", async () => {
    const raw = (p: string, headers: Record<string, string> = {}) =>
      new Promise<string[]>((resolve, reject) => {
        const req = httpRequest(`${served.url}${p}`, { headers }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve(res.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase())),
          );
        });
        req.on('error', reject);
        req.end();
      });
    for (const [p, headers] of [
      ['/.well-known/jwks.json', {}],
      ['/login', { accept: 'text/html' }],
      ['/v1/no-such-route', {}],
    ] as const) {
      const names = await raw(p, headers);
      expect(names.length, p).toBe(new Set(names).size);
      for (const name of ['x-request-id', 'cache-control', 'content-security-policy', 'content-type'])
        expect(names, p).toContain(name);
    }
  });

  it('adds HSTS in production, over HTTP as in process', async () => {
    for (const [p, init] of REQUESTS) {
      const overHttp = await fetch(`${servedProd.url}${p}`, init);
      const inProcess = await prod.app.request(`${prod.base}${p}`, init);
      expect(overHttp.headers.get('strict-transport-security'), p).toBe(
        'max-age=63072000; includeSubDomains',
      );
      expect(pick(overHttp.headers), p).toEqual(pick(inProcess.headers));
    }
  });
});
