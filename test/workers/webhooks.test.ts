/**
 * @module Outbound webhooks in workerd on D1: the endpoints API through the Worker's own fetch, and
 * deliveries the Worker sends (its `fetch` transport, right after the answer) to a receiver in
 * Node (test/workers/webhook-receiver.ts), each verified here with the `standardwebhooks` package.
 */
import { env } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { createApp } from '../../src/app/create-app';
import { contextFromBindings, type WorkerBindings } from '../../src/app/worker-context';
import {
  createEndpoint,
  deleteEndpoint,
  deliverWebhooks,
  listEndpoints,
  redeliver,
  rotateSecret,
  sendTest,
  updateEndpoint,
} from '../../src/features/webhooks';
import { fetchTransport, RefusedAddressError } from '../../src/features/webhooks/transport';
import { answerOf, BASE, requestOf } from '../support/door';
import { adminKey, call, countRows, createPublisher, signUp } from './helpers';
import { expectProblem, issueToken, sqlAll, subjectOf } from './publisher-helpers';
import type { ReceivedWebhook } from './webhook-receiver';

const receiverUrl = inject('webhookReceiverUrl');
const HOOKS = '/v1/publisher/webhooks';

let own: { publisher: { id: string }; api_key: string };
let other: { publisher: { id: string }; api_key: string };

beforeAll(async () => {
  own = await createPublisher('Hooked Herald');
  other = await createPublisher('Other Herald');
});

const api = (method: string, path: string, body?: unknown, key = own.api_key) =>
  call(method, path, { token: key, ...(body === undefined ? {} : { body }) });

/** A path of its own on the receiver for each test, so that tests never read each other's requests. */
const pathFor = (name: string) => `/${name}/${crypto.randomUUID()}`;

async function newEndpoint(path: string, events = ['entitlement.ended']) {
  const res = await api('POST', HOOKS, { url: `${receiverUrl}${path}`, events, description: 'main' });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; secret: string; url: string };
}

/** What the receiver got at `path`, once it has `n` requests there (the Worker sends after its answer). */
async function receivedAt(path: string, n = 1): Promise<ReceivedWebhook[]> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${receiverUrl}/received?${new URLSearchParams({ path })}`);
    const all = (await res.json()) as ReceivedWebhook[];
    if (all.length >= n) return all;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the receiver got fewer than ${n} requests at ${path}`);
}

/** The `standardwebhooks` package's verdict on a received request (it throws on a bad signature). */
function verified(r: ReceivedWebhook, secret: string) {
  return new Webhook(secret).verify(r.body, r.headers) as { type: string; timestamp: string; data: unknown };
}

async function deliveriesOf(endpointId: string) {
  const res = await api('GET', `${HOOKS}/${endpointId}/deliveries`);
  expect(res.status, res.text).toBe(200);
  return res.json.data as {
    id: string;
    message_id: string;
    status: string;
    attempts: number;
    type: string;
    payload: string;
    attempt_log: { status_code: number | null; error: string | null; response: string | null }[];
  }[];
}

/** The Worker's own context, as the console gets it, with another environment when asked. */
async function workerContext(environment?: 'production'): Promise<AppContext> {
  const ctx = await contextFromBindings(env as unknown as WorkerBindings);
  return environment ? { ...ctx, config: { ...ctx.config, environment } } : ctx;
}

const staff = (publisherId: string, role: 'owner' | 'viewer') => ({
  publisherId,
  actor: { keyId: `stf_${role}`, role },
  requestId: `req_${role}`,
});

describe('webhook endpoints in workerd', () => {
  it('creates an endpoint with its secret shown once and sealed at rest; lists, gets, updates and deletes it, audited', async () => {
    const created = await newEndpoint(pathFor('crud'), ['entitlement.ended', 'keys.rotating']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ enabled: true, description: 'main', disabled_reason: null });
    const [stored] = await sqlAll<{ secret_sealed: string }>(
      'SELECT secret_sealed FROM webhook_endpoints WHERE id = ?',
      created.id,
    );
    expect(stored?.secret_sealed).toMatch(/^v1\./);
    expect(stored?.secret_sealed).not.toContain(created.secret.slice(6, 20));

    const got = await api('GET', `${HOOKS}/${created.id}`);
    expect(got.status).toBe(200);
    expect(got.json).not.toHaveProperty('secret');
    expect(got.json).toMatchObject({ id: created.id, events: ['entitlement.ended', 'keys.rotating'] });

    const second = await newEndpoint(pathFor('crud'));
    // Newest first, then by id (both were made in the same second): two pages of one, no overlap.
    const page1 = await api('GET', `${HOOKS}?limit=1`);
    expect(page1.status, page1.text).toBe(200);
    expect(page1.json.data).toHaveLength(1);
    expect(page1.json.next_cursor).toEqual(expect.any(String));
    const page2 = await api('GET', `${HOOKS}?limit=1&cursor=${encodeURIComponent(page1.json.next_cursor)}`);
    expect(page2.json.data).toHaveLength(1);
    expect(page2.json.next_cursor).toBeNull();
    const ids = [...page1.json.data, ...page2.json.data].map((e: { id: string }) => e.id);
    expect(ids.sort()).toEqual([created.id, second.id].sort());
    expect(page2.json.data[0]).not.toHaveProperty('secret');

    const changed = await api('PATCH', `${HOOKS}/${created.id}`, {
      events: ['keys.rotating'],
      description: 'renamed',
      enabled: false,
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({ events: ['keys.rotating'], description: 'renamed', enabled: false });
    expect((await api('GET', `${HOOKS}/${created.id}`)).json).toMatchObject({ enabled: false });

    const deleted = await api('DELETE', `${HOOKS}/${created.id}`);
    expect(deleted.status).toBe(204);
    expectProblem(await api('GET', `${HOOKS}/${created.id}`), 404, 'not_found');

    const audit = await sqlAll<{ action: string; before: string | null; after: string | null }>(
      'SELECT action, before, after FROM audit_log WHERE target_type = ? AND target_id = ? ORDER BY rowid',
      'webhook_endpoint',
      created.id,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'webhook_endpoint.create',
      'webhook_endpoint.update',
      'webhook_endpoint.delete',
    ]);
    expect(JSON.stringify(audit)).not.toContain(created.secret.slice(6));
  });

  it('delivers a signed test event the standardwebhooks package verifies, logged with its attempt', async () => {
    const path = pathFor('test');
    const endpoint = await newEndpoint(path);
    const sent = await api('POST', `${HOOKS}/${endpoint.id}/test`);
    expect(sent.status, sent.text).toBe(202);
    const [request] = await receivedAt(path);
    if (!request) throw new Error('nothing received');
    expect(request.headers['webhook-id']).toBe(sent.json.message_id);
    const event = verified(request, endpoint.secret);
    expect(event).toMatchObject({ type: 'test', data: { endpoint_id: endpoint.id } });
    expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp.replace('Z', '.000Z'));
    // Another secret, or a body changed by one byte, does not verify.
    const stranger = `whsec_${btoa(String.fromCharCode(...new Uint8Array(32).fill(7)))}`;
    expect(() => verified(request, stranger)).toThrow();
    expect(() =>
      verified({ ...request, body: request.body.replace('test', 'tesT') }, endpoint.secret),
    ).toThrow();

    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({
      id: sent.json.delivery_id,
      message_id: sent.json.message_id,
      type: 'test',
      status: 'delivered',
      attempts: 1,
      payload: request.body,
    });
    expect(delivery?.attempt_log).toEqual([
      expect.objectContaining({ status_code: 200, error: null, response: 'thanks' }),
    ]);
  });

  it('logs a failed attempt and redelivers the same message, signed, once the endpoint answers', async () => {
    const failing = pathFor('status/500/redeliver');
    const endpoint = await newEndpoint(failing);
    const sent = await api('POST', `${HOOKS}/${endpoint.id}/test`);
    const [first] = await receivedAt(failing);
    if (!first) throw new Error('nothing received');
    verified(first, endpoint.secret);
    let [delivery] = await deliveriesOf(endpoint.id);
    for (let i = 0; i < 100 && delivery?.attempts === 0; i++) [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect(delivery?.attempt_log[0]).toMatchObject({ status_code: 500, response: 'answered 500' });

    const fixed = pathFor('fixed');
    await api('PATCH', `${HOOKS}/${endpoint.id}`, { url: `${receiverUrl}${fixed}` });
    const again = await api('POST', `${HOOKS}/${endpoint.id}/deliveries/${sent.json.delivery_id}/redeliver`);
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(again.json.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([200, 500]);
    const [second] = await receivedAt(fixed);
    if (!second) throw new Error('nothing received');
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    expect(verified(second, endpoint.secret).type).toBe('test');
  });

  it('signs with the old and the new secret after a rotation', async () => {
    const path = pathFor('rotate');
    const endpoint = await newEndpoint(path);
    const rotated = await api('POST', `${HOOKS}/${endpoint.id}/rotate-secret`);
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.json.secret).not.toBe(endpoint.secret);
    await api('POST', `${HOOKS}/${endpoint.id}/test`);
    const [request] = await receivedAt(path);
    if (!request) throw new Error('nothing received');
    expect(request.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verified(request, endpoint.secret).type).toBe('test');
    expect(verified(request, rotated.json.secret).type).toBe('test');
  });

  it("sends entitlement.ended with the publisher's pairwise sub when an admin revokes a reader", async () => {
    const path = pathFor('ended');
    const endpoint = await newEndpoint(path);
    const { reader, token } = await signUp();
    await issueToken(token, own.publisher.id);
    const res = await call('POST', `/v1/admin/members/${reader.id}/revoke-sessions`, { token: adminKey() });
    expect(res.status, res.text).toBeLessThan(300);
    const [request] = await receivedAt(path);
    if (!request) throw new Error('nothing received');
    expect(verified(request, endpoint.secret)).toMatchObject({
      type: 'entitlement.ended',
      data: { sub: await subjectOf(own.publisher.id, reader.id), reason: 'revoked' },
    });
  });

  it("refuses another publisher's endpoint as unknown and changes nothing", async () => {
    const path = pathFor('theirs');
    const endpoint = await newEndpoint(path);
    const sent = await api('POST', `${HOOKS}/${endpoint.id}/test`);
    await receivedAt(path);
    const before = JSON.stringify(await sqlAll('SELECT * FROM webhook_endpoints ORDER BY id'));
    const deliveries = await countRows('webhook_deliveries');
    const attempts = await countRows('webhook_attempts');
    const base = `${HOOKS}/${endpoint.id}`;
    for (const [method, path, body] of [
      ['GET', base],
      ['PATCH', base, { enabled: false }],
      ['DELETE', base],
      ['POST', `${base}/rotate-secret`],
      ['POST', `${base}/test`],
      ['GET', `${base}/deliveries`],
      ['POST', `${base}/deliveries/${sent.json.delivery_id}/redeliver`],
    ] as const) {
      expectProblem(await api(method, path, body, other.api_key), 404, 'not_found');
    }
    const listed = await api('GET', HOOKS, undefined, other.api_key);
    expect(listed.json.data.map((e: { id: string }) => e.id)).not.toContain(endpoint.id);
    expectProblem(await call('GET', HOOKS), 401, 'unauthenticated');
    expect(JSON.stringify(await sqlAll('SELECT * FROM webhook_endpoints ORDER BY id'))).toBe(before);
    expect(await countRows('webhook_deliveries')).toBe(deliveries);
    expect(await countRows('webhook_attempts')).toBe(attempts);
  });

  it('lets a viewer read but not change, send or redeliver', async () => {
    const ctx = await workerContext();
    const endpoint = await newEndpoint(pathFor('viewer'));
    const sent = await api('POST', `${HOOKS}/${endpoint.id}/test`);
    const viewer = staff(own.publisher.id, 'viewer');
    const before = JSON.stringify(await sqlAll('SELECT * FROM webhook_endpoints ORDER BY id'));
    const audits = await countRows('audit_log');
    const page = await listEndpoints({ ctx, principal: viewer, input: { limit: 100 } });
    expect(page.data.map((e) => e.id)).toContain(endpoint.id);
    const id = endpoint.id;
    for (const attempt of [
      () =>
        createEndpoint({
          ctx,
          principal: viewer,
          input: { url: `${receiverUrl}/v`, events: ['keys.rotating'] },
        }),
      () => updateEndpoint({ ctx, principal: viewer, input: { id, enabled: false } }),
      () => deleteEndpoint({ ctx, principal: viewer, input: { id } }),
      () => rotateSecret({ ctx, principal: viewer, input: { id } }),
      () => sendTest({ ctx, principal: viewer, input: { endpointId: id } }),
      () =>
        redeliver({ ctx, principal: viewer, input: { endpointId: id, deliveryId: sent.json.delivery_id } }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(JSON.stringify(await sqlAll('SELECT * FROM webhook_endpoints ORDER BY id'))).toBe(before);
    expect(await countRows('audit_log')).toBe(audits);
  });

  it('refuses bad input with a 400 problem and changes nothing', async () => {
    const endpoint = await newEndpoint(pathFor('bad'));
    const endpoints = await countRows('webhook_endpoints');
    const audits = await countRows('audit_log');
    for (const body of [
      {},
      { url: 'not a url', events: ['entitlement.ended'] },
      { url: 'http://hooks.example.com/h', events: ['entitlement.ended'] },
      { url: 'ftp://hooks.example.com/h', events: ['entitlement.ended'] },
      { url: 'https://user:pw@hooks.example.com/h', events: ['entitlement.ended'] },
      { url: 'https://hooks.example.com/h#frag', events: ['entitlement.ended'] },
      { url: `https://hooks.example.com/${'x'.repeat(2001)}`, events: ['entitlement.ended'] },
      { url: 'https://hooks.example.com/h', events: [] },
      { url: 'https://hooks.example.com/h', events: ['nope'] },
      { url: 'https://hooks.example.com/h', events: ['test'] },
      { url: 'https://hooks.example.com/h', events: 'entitlement.ended' },
      { url: 'https://hooks.example.com/h', events: ['keys.rotating'], description: 7 },
    ]) {
      const res = await api('POST', HOOKS, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    for (const body of [{}, { url: 'http://hooks.example.com/h' }, { events: [] }, { enabled: 'yes' }]) {
      const res = await api('PATCH', `${HOOKS}/${endpoint.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expectProblem(await api('GET', `${HOOKS}?limit=0`), 400, 'invalid_request');
    expect(await countRows('webhook_endpoints')).toBe(endpoints);
    expect(await countRows('audit_log')).toBe(audits);
    expect((await api('GET', `${HOOKS}/${endpoint.id}`)).json).toMatchObject({
      url: endpoint.url,
      events: ['entitlement.ended'],
      enabled: true,
    });
  });

  it('in production refuses literal private, loopback and link-local addresses at creation, change and delivery', async () => {
    const production = await workerContext('production');
    const app = createApp(async () => production);
    const productionCall = async (method: string, path: string, body?: unknown) => {
      const { headers, body: raw } = requestOf({
        token: own.api_key,
        ...(body === undefined ? {} : { body }),
      });
      return answerOf(await app.request(`${BASE}${path}`, { method, headers, body: raw }, env));
    };
    const endpoints = await countRows('webhook_endpoints');
    const refused = [
      'https://10.0.0.7/h',
      'https://127.0.0.1/h',
      'https://localhost/h',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/h',
      'https://0.0.0.0/h',
      'https://[::1]/h',
      'https://[::ffff:192.168.1.1]/h',
      'https://[fd00::1]/h',
      `${receiverUrl}/p`,
    ];
    for (const url of refused) {
      const res = await productionCall('POST', HOOKS, { url, events: ['keys.rotating'] });
      expect(res.status, url).toBe(400);
      expect(res.json.errors?.[0]?.path ?? res.text, url).toContain('url');
    }
    expect(await countRows('webhook_endpoints')).toBe(endpoints);
    // The same URLs are fine outside production (https to any host, http to loopback).
    const allowed = await api('POST', HOOKS, { url: 'https://10.0.0.7/h', events: ['keys.rotating'] });
    expect(allowed.status, allowed.text).toBe(201);
    const change = await productionCall('PATCH', `${HOOKS}/${allowed.json.id}`, {
      url: 'https://192.168.0.1/h',
    });
    expect(change.status, change.text).toBe(400);
    const publicOne = await productionCall('POST', HOOKS, {
      url: 'https://hooks.example.com/onepass',
      events: ['keys.rotating'],
    });
    expect(publicOne.status, publicOne.text).toBe(201);

    // At delivery time too: an endpoint made outside production is not reached from production.
    const path = pathFor('production');
    const local = await newEndpoint(path);
    const sent = await sendTest({
      ctx: production,
      principal: staff(own.publisher.id, 'owner'),
      input: { endpointId: allowed.json.id },
    });
    await sendTest({
      ctx: production,
      principal: staff(own.publisher.id, 'owner'),
      input: { endpointId: local.id },
    });
    await deliverWebhooks(production);
    const [privateDelivery] = await deliveriesOf(allowed.json.id);
    expect(privateDelivery?.id).toBe(sent.delivery_id);
    expect(privateDelivery?.attempt_log[0]).toMatchObject({
      status_code: null,
      error: expect.stringMatching(/^refused: .*private/),
    });
    const [localDelivery] = await deliveriesOf(local.id);
    expect(localDelivery?.attempt_log[0]).toMatchObject({
      status_code: null,
      error: expect.stringMatching(/^refused/),
    });
    const got = await fetch(`${receiverUrl}/received?${new URLSearchParams({ path })}`);
    expect(await got.json()).toEqual([]);
    // The Workers transport itself refuses a literal non-public address when asked to stay public.
    for (const url of ['https://10.1.2.3/h', 'https://[::ffff:127.0.0.1]/h', 'https://169.254.0.9/h']) {
      await expect(
        fetchTransport({ url: new URL(url), headers: {}, body: '{}', timeoutMs: 1000, publicOnly: true }),
      ).rejects.toBeInstanceOf(RefusedAddressError);
    }
  });
});
