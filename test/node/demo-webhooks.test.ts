/**
 * @module The demo publisher receives OnePass's webhooks: the Node door's real transport delivers
 * a signed `entitlement.ended` to the demo app listening on a loopback port, which verifies it with
 * the SDK and ends the reader's session there at once: the next page view is paywalled although the
 * token in the reader's cookie is still unexpired. Unsigned or wrongly signed requests change nothing.
 */
import { type ServerType, serve } from '@hono/node-server';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisherApp } from '../../examples/publisher/app';
import { WEBHOOK_PATH } from '../../examples/publisher/webhooks';
import { freePort } from '../../tools/free-port';
import { createPublisher, signUp } from '../support/door';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

const ARTICLE = '/articles/night-buses-approved';
const SITE = 'https://demo-hooks.example';

let door: NodeDoor;
let server: ServerType;
let demoUrl = '';
let publisher: { publisher: { id: string }; api_key: string };
let endpoint: { id: string; secret: string };
let demo: ReturnType<typeof createPublisherApp>;

beforeAll(async () => {
  door = await startNodeDoor();
  publisher = await createPublisher(door, 'Demo Hooks Daily', [SITE]);
  const port = await freePort();
  demoUrl = `http://127.0.0.1:${port}`;
  const created = await door.call('POST', '/v1/publisher/webhooks', {
    token: publisher.api_key,
    body: { url: `${demoUrl}${WEBHOOK_PATH}`, events: ['entitlement.ended', 'keys.rotating'] },
  });
  expect(created.status, created.text).toBe(201);
  endpoint = created.json;
  demo = createPublisherApp({
    onepassUrl: door.base,
    publisherId: publisher.publisher.id,
    apiKey: publisher.api_key,
    fetch: (input, init) => door.fetch(input as string, init),
    webhookSecret: endpoint.secret,
  });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: demo.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  door.close();
});

/** A reader of the demo with an entitlement token in the demo's cookie, as after `/access`. */
async function readerWithToken() {
  const reader = await signUp(door);
  const res = await door.call('POST', '/v1/me/entitlement-token', {
    token: reader.token,
    body: { publisher: publisher.publisher.id },
  });
  expect(res.status, res.text).toBe(200);
  const token = res.json.token as string;
  const sub = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sub as string;
  return { ...reader, token, sub };
}

async function view(token: string) {
  const res = await fetch(`${demoUrl}${ARTICLE}`, { headers: { cookie: `onepass_token=${token}` } });
  return { status: res.status, html: await res.text(), cookies: res.headers.getSetCookie() };
}

const paywalled = (html: string) => html.includes('id="paywall-title"');

/** The demo's answers to the deliveries of `type` at our endpoint, once there are `n`. */
async function attemptsOf(type: string, n: number) {
  for (let i = 0; i < 200; i++) {
    const res = await door.call('GET', `/v1/publisher/webhooks/${endpoint.id}/deliveries?limit=100`, {
      token: publisher.api_key,
    });
    const found = (
      res.json.data as { type: string; status: string; attempt_log: { status_code: number }[] }[]
    ).filter((d) => d.type === type && d.attempt_log.length > 0);
    if (found.length >= n) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fewer than ${n} ${type} deliveries attempted`);
}

function post(body: string, headers: Record<string, string>) {
  return fetch(`${demoUrl}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('the demo publisher and OnePass webhooks', () => {
  it('ends the reader’s session at once on a signed entitlement.ended: the next page view is paywalled', async () => {
    const reader = await readerWithToken();
    const bystander = await readerWithToken();
    const before = await view(reader.token);
    expect(before.status).toBe(200);
    expect(paywalled(before.html)).toBe(false);

    const revoked = await door.call('POST', `/v1/admin/members/${reader.reader.id}/revoke-sessions`, {
      token: door.adminKey,
    });
    expect(revoked.status, revoked.text).toBe(204);
    const [delivery] = await attemptsOf('entitlement.ended', 1);
    expect(delivery).toMatchObject({ status: 'delivered' });
    expect(delivery?.attempt_log[0]?.status_code).toBe(204);

    // The same, still unexpired token no longer opens the article, and the demo drops its cookie.
    const after = await view(reader.token);
    expect(after.status).toBe(200);
    expect(paywalled(after.html)).toBe(true);
    expect(after.cookies.some((c) => /^onepass_token=;/.test(c))).toBe(true);
    expect(after.cookies.some((c) => /^onepass_lapsed=1;/.test(c))).toBe(true);
    // Another reader's session is untouched.
    expect(paywalled((await view(bystander.token)).html)).toBe(false);
  });

  it('refuses unsigned, wrongly signed and stale requests with 401 and ends nothing', async () => {
    const reader = await readerWithToken();
    const body = JSON.stringify({
      type: 'entitlement.ended',
      timestamp: new Date().toISOString(),
      data: { sub: reader.sub, reason: 'canceled' },
    });
    const stranger = new Webhook(`whsec_${Buffer.alloc(32, 9).toString('base64')}`);
    const own = new Webhook(endpoint.secret);
    const id = 'msg_forged';
    const signedBy = (wh: Webhook, at: Date) => ({
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': wh.sign(id, at, body),
    });
    for (const headers of [
      {},
      signedBy(stranger, new Date()),
      signedBy(own, new Date(Date.now() - 3600_000)),
      { ...signedBy(own, new Date()), 'webhook-signature': 'v1,AAAA' },
    ]) {
      const res = await post(body, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
    }
    const tampered = await post(body.replace('canceled', 'refunded'), signedBy(own, new Date()));
    expect(tampered.status).toBe(401);
    expect(paywalled((await view(reader.token)).html)).toBe(false);

    // Signed with the endpoint's secret (by the standardwebhooks package): accepted, and it ends.
    const genuine = await post(body, signedBy(own, new Date()));
    expect(genuine.status).toBe(204);
    expect(paywalled((await view(reader.token)).html)).toBe(true);
  });

  it('answers other events 2xx and changes nothing for readers', async () => {
    const reader = await readerWithToken();
    const body = JSON.stringify({
      type: 'keys.rotating',
      timestamp: new Date().toISOString(),
      data: { kid: 'k2' },
    });
    const at = new Date();
    const res = await post(body, {
      'webhook-id': 'msg_keys',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(endpoint.secret).sign('msg_keys', at, body),
    });
    expect(res.status).toBe(204);
    expect(paywalled((await view(reader.token)).html)).toBe(false);
  });
});
