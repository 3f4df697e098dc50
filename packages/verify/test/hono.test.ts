import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EntitlementMiddlewareOptions, type EntitlementVariables, entitlement } from '../src/hono.js';
import { createEntitlementVerifier, type EntitlementVerifier } from '../src/index.js';
import {
  claimsAt,
  ISSUER,
  makeClock,
  makeKey,
  PUBLISHER_ID,
  signToken,
  startJwksServer,
  type TestKey,
} from './fixtures.js';

let ours: TestKey;
const clock = makeClock();

beforeAll(async () => {
  ours = await makeKey();
});

function verifierOptions() {
  return { issuer: ISSUER, publisherId: PUBLISHER_ID, jwks: { keys: [ours.jwk] }, now: clock.now };
}

// An article page: full text for entitled readers, the teaser for everyone else.
function articleApp(options: Partial<EntitlementMiddlewareOptions> = {}) {
  const app = new Hono<{ Variables: EntitlementVariables }>();
  app.use('/articles/*', entitlement({ ...verifierOptions(), ...options } as EntitlementMiddlewareOptions));
  app.get('/articles/:id', (c) =>
    c.json({
      view: c.var.entitlement ? 'full' : 'teaser',
      sub: c.var.entitlement?.sub ?? null,
      error: c.var.entitlementError?.code ?? null,
    }),
  );
  return app;
}

async function goodToken(overrides: Record<string, unknown> = {}): Promise<string> {
  return signToken(ours, claimsAt(clock.seconds(), { sub: 'prw_reader_1', ...overrides }));
}

describe('optional mode (the default)', () => {
  it('lets a request without a token through with null claims and no error', async () => {
    const response = await articleApp().request('/articles/1');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ view: 'teaser', sub: null, error: null });
  });

  it('exposes the claims of a Bearer token', async () => {
    const response = await articleApp().request('/articles/1', {
      headers: { authorization: `Bearer ${await goodToken()}` },
    });

    expect(await response.json()).toEqual({ view: 'full', sub: 'prw_reader_1', error: null });
  });

  it('reads the token from the entitlement cookie', async () => {
    const response = await articleApp().request('/articles/1', {
      headers: { cookie: `theme=dark; entitlement=${await goodToken()}` },
    });

    expect(await response.json()).toMatchObject({ view: 'full', sub: 'prw_reader_1' });
  });

  it('reads a cookie of another name when told to', async () => {
    const response = await articleApp({ cookieName: 'paywall' }).request('/articles/1', {
      headers: { cookie: `paywall=${await goodToken()}` },
    });

    expect(await response.json()).toMatchObject({ view: 'full' });
  });

  it('prefers the Bearer header over the cookie', async () => {
    const response = await articleApp().request('/articles/1', {
      headers: {
        authorization: `bearer ${await goodToken({ sub: 'prw_from_header' })}`,
        cookie: `entitlement=${await goodToken({ sub: 'prw_from_cookie' })}`,
      },
    });

    expect(await response.json()).toMatchObject({ sub: 'prw_from_header' });
  });

  it('falls back to the cookie when Authorization is not Bearer', async () => {
    const response = await articleApp().request('/articles/1', {
      headers: { authorization: 'Basic c3RhZ2luZzpzdGFnaW5n', cookie: `entitlement=${await goodToken()}` },
    });

    expect(await response.json()).toMatchObject({ view: 'full' });
  });

  it('renders the teaser and exposes the error code for a refused token', async () => {
    const now = clock.seconds();
    const expired = await goodToken({ iat: now - 900, exp: now - 300 });

    const response = await articleApp().request('/articles/1', {
      headers: { authorization: `Bearer ${expired}` },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ view: 'teaser', sub: null, error: 'expired' });
  });

  it('uses a custom getToken', async () => {
    const token = await goodToken();
    const app = articleApp({ getToken: (c) => c.req.query('t') });

    const response = await app.request(`/articles/1?t=${token}`, {
      headers: { authorization: 'Bearer junk' },
    });

    expect(await response.json()).toMatchObject({ view: 'full' });
  });
});

describe('required mode', () => {
  it('answers 401 problem+json without a token', async () => {
    const response = await articleApp({ required: true }).request('/articles/1');

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it.each([
    ['expired', async () => goodToken({ iat: clock.seconds() - 900, exp: clock.seconds() - 300 })],
    ['wrong_audience', async () => goodToken({ aud: 'pub_someone_else' })],
    ['malformed', async () => 'not-a-token'],
    ['unknown_key', async () => signToken(ours, claimsAt(clock.seconds()), { kid: 'retired' })],
  ])('answers 401 problem+json with the code %s', async (code, makeToken) => {
    const response = await articleApp({ required: true }).request('/articles/1', {
      headers: { authorization: `Bearer ${await makeToken()}` },
    });

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: expect.stringMatching(/^The entitlement token /),
      code,
    });
  });

  it('does not reveal where the keys come from when they cannot be loaded', async () => {
    const server = await startJwksServer([ours.jwk]);
    server.setMode('error');
    try {
      const app = articleApp({ required: true, jwks: undefined, jwksUrl: server.url });

      const response = await app.request('/articles/1', {
        headers: { authorization: `Bearer ${await goodToken()}` },
      });

      expect(response.status).toBe(401);
      const body = await response.text();
      expect(body).toContain('"code":"unknown_key"');
      expect(body).not.toContain(server.origin);
    } finally {
      await server.close();
    }
  });

  it('lets a valid token through', async () => {
    const response = await articleApp({ required: true }).request('/articles/1', {
      headers: { authorization: `Bearer ${await goodToken()}` },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ view: 'full' });
  });
});

describe('setup', () => {
  it('uses a verifier it is given, shared across requests', async () => {
    const verifier = createEntitlementVerifier(verifierOptions());
    const app = new Hono<{ Variables: EntitlementVariables }>();
    app.use(entitlement({ verifier, required: true }));
    app.get('/', (c) => c.text(c.var.entitlement?.membership ?? 'none'));
    const token = await goodToken();
    const claims = await verifier.verify(token);

    const response = await app.request('/', { headers: { authorization: `Bearer ${token}` } });

    expect(await response.text()).toBe(claims.membership);
  });

  it('throws at creation for bad options', () => {
    const verifier = createEntitlementVerifier(verifierOptions());
    const both = { verifier, ...verifierOptions() } as unknown as EntitlementMiddlewareOptions;

    expect(() => entitlement(both)).toThrow(TypeError);
    expect(() => entitlement({ ...verifierOptions(), publisherId: 'acme' })).toThrow(TypeError);
    expect(() => entitlement({ ...verifierOptions(), clockToleranceSeconds: 61 })).toThrow(TypeError);
    expect(() => entitlement({ verifier, cookieName: '' })).toThrow(TypeError);
  });

  it("hands a background JWKS refresh to the Workers ExecutionContext's waitUntil", async () => {
    const server = await startJwksServer([ours.jwk]);
    try {
      const workerClock = makeClock();
      const app = new Hono<{ Variables: EntitlementVariables }>();
      app.use(
        entitlement({ issuer: ISSUER, publisherId: PUBLISHER_ID, jwksUrl: server.url, now: workerClock.now }),
      );
      app.get('/', (c) => c.text(c.var.entitlement ? 'full' : 'teaser'));
      const handed: Promise<unknown>[] = [];
      const executionCtx = {
        waitUntil: (promise: Promise<unknown>) => handed.push(promise),
        passThroughOnException: () => {},
        props: {},
      };
      const request = async () => {
        const token = await signToken(ours, claimsAt(workerClock.seconds()));
        return app.request('/', { headers: { authorization: `Bearer ${token}` } }, {}, executionCtx);
      };

      expect(await (await request()).text()).toBe('full');
      expect(handed).toHaveLength(0);
      workerClock.advanceSeconds(301);
      expect(await (await request()).text()).toBe('full');
      expect(handed).toHaveLength(1);
      await handed[0];
      expect(server.requests()).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('leaves errors that are not refusals to the app error handler', async () => {
    const broken: EntitlementVerifier = { verify: () => Promise.reject(new Error('bug')) };
    const app = new Hono<{ Variables: EntitlementVariables }>();
    app.use(entitlement({ verifier: broken }));
    app.get('/', (c) => c.text('unreachable'));
    app.onError((_error, c) => c.text('handled', 500));

    const response = await app.request('/', { headers: { authorization: 'Bearer x.y.z' } });

    expect(response.status).toBe(500);
    expect(await response.text()).toBe('handled');
  });
});
