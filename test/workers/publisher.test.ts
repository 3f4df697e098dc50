import { describe, expect, it } from 'vitest';
import { adminKey, call, createPublisher, signUp } from './helpers';
import { expectProblem, sqlAll } from './publisher-helpers';

describe('GET/PATCH /v1/publisher', () => {
  it("shows and changes the caller's own profile, never another's", async () => {
    const daily = await createPublisher('Daily', ['https://daily.example']);
    const gazette = await createPublisher('Gazette', ['https://gazette.example']);

    const me = await call('GET', '/v1/publisher', { token: daily.api_key });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      id: daily.publisher.id,
      name: 'Daily',
      origins: ['https://daily.example'],
    });
    expect(me.text).not.toContain(daily.api_key);

    const changed = await call('PATCH', '/v1/publisher', {
      token: daily.api_key,
      body: {
        name: '  The Daily  ',
        origins: ['https://daily.example/', 'http://localhost:3000', 'https://daily.example'],
      },
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({
      id: daily.publisher.id,
      name: 'The Daily',
      origins: ['https://daily.example', 'http://localhost:3000'],
    });
    const renamed = await call('PATCH', '/v1/publisher', {
      token: daily.api_key,
      body: { name: 'Daily News' },
    });
    expect(renamed.json.origins).toEqual(['https://daily.example', 'http://localhost:3000']);

    const other = await call('GET', '/v1/publisher', { token: gazette.api_key });
    expect(other.json).toMatchObject({ id: gazette.publisher.id, name: 'Gazette' });
  });

  it('refuses bad changes with 400 and changes nothing', async () => {
    const pub = await createPublisher('Daily', ['https://daily.example']);
    const [before] = await sqlAll('SELECT * FROM publishers WHERE id = ?', pub.publisher.id);
    for (const body of [
      {},
      { name: '' },
      { name: 'x'.repeat(201) },
      { origins: [] },
      { origins: ['https://daily.example/path'] },
      { origins: ['javascript:alert(1)'] },
      { origins: ['https://user:pw@daily.example'] },
      { origins: Array.from({ length: 21 }, (_, i) => `https://s${i}.example`) },
      { name: 'Fine', origins: ['not a url'] },
    ]) {
      expectProblem(
        await call('PATCH', '/v1/publisher', { token: pub.api_key, body }),
        400,
        'invalid_request',
      );
    }
    const [after] = await sqlAll('SELECT * FROM publishers WHERE id = ?', pub.publisher.id);
    expect(after).toEqual(before);
  });

  it('needs a publisher key: none, malformed, an admin key or a reader session → 401', async () => {
    const pub = await createPublisher();
    const { token: session } = await signUp();
    const keys = [
      undefined,
      'ppk_test_short',
      `${pub.api_key.slice(0, -1)}${pub.api_key.endsWith('x') ? 'y' : 'x'}`,
      adminKey(),
      session,
    ];
    for (const token of keys) {
      expectProblem(await call('GET', '/v1/publisher', { token }), 401, 'unauthenticated');
      expectProblem(
        await call('PATCH', '/v1/publisher', { token, body: { name: 'Hijacked' } }),
        401,
        'unauthenticated',
      );
    }
    expect((await call('GET', '/v1/publisher', { token: pub.api_key })).json.name).toBe('The Daily Example');
  });

  it('is described in the OpenAPI document with the publisher key scheme', async () => {
    const doc = (await call('GET', '/openapi.json')).json;
    expect(doc.components.securitySchemes.publisherKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, method] of [
      ['/v1/tokens/introspect', 'post'],
      ['/v1/reads', 'post'],
      ['/v1/publisher/reads', 'get'],
      ['/v1/publisher', 'get'],
      ['/v1/publisher', 'patch'],
    ] as const) {
      expect(doc.paths[path][method].security, `${method} ${path}`).toEqual([{ publisherKey: [] }]);
    }
  });
});
