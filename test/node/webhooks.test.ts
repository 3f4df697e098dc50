/**
 * Outbound webhooks end to end on the Node door: its real transport delivers to a local node:http
 * receiver that verifies every request with the `standardwebhooks` package.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEndpoint, deliverWebhooks, runWebhookJobs } from '../../src/features/webhooks';
import { nodeTransport } from '../../src/features/webhooks/node-transport';
import { createPublisher, signUp } from '../support/door';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let receiver: Server;
let receiverUrl = '';
const received: Received[] = [];
/** What the receiver answers, per path. */
const answers = new Map<string, number>();

let offset = 0;
let door: NodeDoor;
let publisher: { publisher: { id: string }; api_key: string };

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(answers.get(req.url ?? '') ?? 200, { 'content-type': 'text/plain' });
      res.end('thanks');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  door = await startNodeDoor({}, { clock: () => new Date(Date.now() + offset) });
  publisher = await createPublisher(door, 'Webhook Daily');
});
afterAll(async () => {
  door.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const api = (method: string, path: string, body?: unknown) =>
  door.call(method, path, { token: publisher.api_key, ...(body === undefined ? {} : { body }) });

async function newEndpoint(path: string, events = ['entitlement.ended']) {
  const res = await api('POST', '/v1/publisher/webhooks', { url: `${receiverUrl}${path}`, events });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; secret: string };
}

/** Waits (up to 5 s) for the receiver to have `n` requests at `path` (a send after the answer). */
async function receivedAt(path: string, n = 1): Promise<Received[]> {
  for (let i = 0; i < 100; i++) {
    const at = received.filter((r) => r.path === path);
    if (at.length >= n) return at;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing received at ${path}`);
}

function headersOf(r: Received): Record<string, string> {
  return {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  };
}

/**
 * The standardwebhooks package's own verdict: `verify` when the timestamp is near the real clock,
 * else (the test moved the service's clock days on) the package's own signature of the same
 * id, timestamp and body must be among the header's signatures.
 */
function verified(r: Received, secret: string) {
  const wh = new Webhook(secret);
  const h = headersOf(r);
  const ts = Number(h['webhook-timestamp']);
  if (Math.abs(ts - Date.now() / 1000) < 300) return wh.verify(r.body, h) as { type: string; data: unknown };
  const expected = wh.sign(h['webhook-id'] ?? '', new Date(ts * 1000), r.body);
  if (!h['webhook-signature']?.split(' ').includes(expected)) throw new Error('signature mismatch');
  return JSON.parse(r.body) as { type: string; data: unknown };
}

async function readerKnownTo(publisherId: string) {
  const reader = await signUp(door);
  const res = await door.call('POST', '/v1/me/entitlement-token', {
    token: reader.token,
    body: { publisher: publisherId },
  });
  expect(res.status, res.text).toBe(200);
  const sub = JSON.parse(Buffer.from(String(res.json.token).split('.')[1] ?? '', 'base64url').toString()).sub;
  return { ...reader, sub: sub as string };
}

describe('outbound webhooks on the Node door', () => {
  it('creates an endpoint (secret shown once, stored sealed, audited without it) and delivers a signed test event', async () => {
    const endpoint = await newEndpoint('/test');
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const stored = await door.query<{ secret_sealed: string }>(
      sql`select secret_sealed from webhook_endpoints where id = ${endpoint.id}`,
    );
    expect(stored[0]?.secret_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain(endpoint.secret.slice(6));
    const audit = await door.query<{ action: string; after: string }>(
      sql`select action, after from audit_log where target_id = ${endpoint.id}`,
    );
    expect(audit.map((a) => a.action)).toEqual(['webhook_endpoint.create']);
    expect(audit[0]?.after).not.toContain(endpoint.secret.slice(6));
    const got = await api('GET', `/v1/publisher/webhooks/${endpoint.id}`);
    expect(got.json).not.toHaveProperty('secret');

    const sent = await api('POST', `/v1/publisher/webhooks/${endpoint.id}/test`);
    expect(sent.status).toBe(202);
    const [request] = await receivedAt('/test');
    if (!request) throw new Error('no request');
    const event = verified(request, endpoint.secret);
    expect(event.type).toBe('test');
    expect(request.headers['webhook-id']).toBe(sent.json.message_id);
    expect(() => verified(request, `whsec_${Buffer.alloc(32, 1).toString('base64')}`)).toThrow();

    const log = await api('GET', `/v1/publisher/webhooks/${endpoint.id}/deliveries`);
    expect(log.json.data[0]).toMatchObject({ status: 'delivered', attempts: 1, type: 'test' });
    expect(log.json.data[0].attempt_log[0]).toMatchObject({
      status_code: 200,
      response: 'thanks',
      error: null,
    });
  });

  it('tells the publisher of entitlement.ended with its pairwise sub after an admin revoke, trial end and delete', async () => {
    const endpoint = await newEndpoint('/ended');
    const cases = [
      [
        'revoked',
        (id: string) =>
          door.call('POST', `/v1/admin/members/${id}/revoke-sessions`, { token: door.adminKey }),
      ],
      [
        'expired',
        (id: string) =>
          door.call('POST', `/v1/admin/members/${id}/trial`, {
            token: door.adminKey,
            body: { ends_at: new Date(Date.now() + offset - 60_000).toISOString() },
          }),
      ],
      ['deleted', (id: string) => door.call('DELETE', `/v1/admin/members/${id}`, { token: door.adminKey })],
    ] as const;
    for (const [reason, act] of cases) {
      const before = received.filter((r) => r.path === '/ended').length;
      const reader = await readerKnownTo(publisher.publisher.id);
      const res = await act(reader.reader.id);
      expect(res.status, res.text).toBeLessThan(300);
      const all = await receivedAt('/ended', before + 1);
      const event = verified(all[before] as Received, endpoint.secret);
      expect(event).toMatchObject({ type: 'entitlement.ended', data: { sub: reader.sub, reason } });
    }
  });

  it('retries a failing endpoint on its schedule, disables it after 3 days and mails the owner; redelivery works after', async () => {
    answers.set('/flaky', 500);
    const endpoint = await newEndpoint('/flaky', ['entitlement.ended', 'keys.rotating']);
    await door.query(
      sql`insert into publisher_staff (publisher_id, email_key, email, role, invited_by, created_at)
          values (${publisher.publisher.id}, 'owner@daily.example', 'owner@daily.example', 'owner', 'test', 0)`,
    );
    const sent = await api('POST', `/v1/publisher/webhooks/${endpoint.id}/test`);
    await receivedAt('/flaky', 1);
    const delivery = async () =>
      (
        await door.query<{ status: string; attempts: number; next_attempt_at: number }>(
          sql`select status, attempts, next_attempt_at from webhook_deliveries where id = ${sent.json.delivery_id}`,
        )
      )[0];
    // Not due again before its wait: nothing sent.
    expect((await deliverWebhooks(door.ctx)).failed).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 40; i++) {
      const row = await delivery();
      if (!row || row.status !== 'pending') break;
      const nowSeconds = Math.floor((Date.now() + offset) / 1000);
      waits.push(row.next_attempt_at - nowSeconds);
      offset += (row.next_attempt_at - nowSeconds) * 1000 + 1000;
      await runWebhookJobs(door.ctx);
    }
    expect(await delivery()).toMatchObject({ status: 'failed', attempts: 16 });
    expect(waits.slice(0, 3).map((w) => Math.round(w / 60))).toEqual([1, 2, 4]);
    const flaky = received.filter((x) => x.path === '/flaky');
    for (const r of flaky) verified(r, endpoint.secret);
    expect(flaky.filter((r) => r.headers['webhook-id'] === sent.json.message_id)).toHaveLength(16);
    // Meanwhile the expiry scan found the trial (unconfirmed address: one day) of the reader whose
    // sessions were revoked above running out by time, and announced it once.
    const expired = flaky
      .filter((r) => r.headers['webhook-id'] !== sent.json.message_id)
      .map((r) => verified(r, endpoint.secret));
    expect(expired.length).toBeGreaterThan(0);
    for (const e of expired)
      expect(e).toMatchObject({ type: 'entitlement.ended', data: { reason: 'expired' } });
    const messages = await door.query<{ n: number }>(
      sql`select count(*) as n from webhook_messages where type = 'entitlement.ended' and dedupe_key like '%:expired:%'`,
    );
    expect(messages[0]?.n).toBe(1);
    const shown = await api('GET', `/v1/publisher/webhooks/${endpoint.id}`);
    expect(shown.json).toMatchObject({ enabled: false, disabled_reason: 'failing' });
    const mail = await door.query<{ template: string; to_address: string }>(
      sql`select template, to_address from outbox where template = 'webhook_disabled'`,
    );
    expect(mail).toEqual([{ template: 'webhook_disabled', to_address: 'owner@daily.example' }]);

    // Disabled: new events are not sent to it.
    const countBefore = received.filter((x) => x.path === '/flaky').length;
    await api('POST', `/v1/publisher/webhooks/${endpoint.id}/test`);
    await deliverWebhooks(door.ctx);
    expect(received.filter((x) => x.path === '/flaky').length).toBe(countBefore);

    answers.set('/flaky', 204);
    const again = await api(
      'POST',
      `/v1/publisher/webhooks/${endpoint.id}/deliveries/${sent.json.delivery_id}/redeliver`,
    );
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({ status: 'delivered', attempts: 17 });
    expect(again.json.attempt_log[0]).toMatchObject({ status_code: 204 });
    const re = await api('PATCH', `/v1/publisher/webhooks/${endpoint.id}`, { enabled: true });
    expect(re.json).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it('signs with both secrets for 24 hours after a rotation, then with the new one alone', async () => {
    const endpoint = await newEndpoint('/rotate');
    const rotated = await api('POST', `/v1/publisher/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).not.toBe(endpoint.secret);
    expect(rotated.json.previous_secret_expires_at).not.toBeNull();
    await api('POST', `/v1/publisher/webhooks/${endpoint.id}/test`);
    const [first] = await receivedAt('/rotate', 1);
    if (!first) throw new Error('no request');
    expect(String(first.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verified(first, endpoint.secret).type).toBe('test');
    expect(verified(first, rotated.json.secret).type).toBe('test');

    offset += 25 * 3600 * 1000;
    await api('POST', `/v1/publisher/webhooks/${endpoint.id}/test`);
    const [, second] = await receivedAt('/rotate', 2);
    if (!second) throw new Error('no request');
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verified(second, rotated.json.secret).type).toBe('test');
    expect(() => verified(second, endpoint.secret)).toThrow();
  });

  it('refuses bad input with 400 and changes nothing; viewers may not change', async () => {
    for (const body of [
      { url: 'http://hooks.example.com/h', events: ['entitlement.ended'] },
      { url: `${receiverUrl}/x`, events: [] },
      { url: `${receiverUrl}/x`, events: ['nope'] },
      { url: 'https://user:pw@hooks.example.com/h', events: ['test'] },
    ]) {
      const res = await api('POST', '/v1/publisher/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    const viewer = {
      publisherId: publisher.publisher.id,
      actor: { keyId: 'rdr_x', role: 'viewer' as const },
      requestId: 'req_x',
    };
    await expect(
      createEndpoint({
        ctx: door.ctx,
        principal: viewer,
        input: { url: `${receiverUrl}/v`, events: ['keys.rotating'] },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('in production refuses private and loopback addresses at creation and at delivery after resolving the name', async () => {
    const production = { ...door.ctx, config: { ...door.ctx.config, environment: 'production' as const } };
    const owner = {
      publisherId: publisher.publisher.id,
      actor: { keyId: 'pkk_x', role: 'owner' as const },
      requestId: 'req_x',
    };
    for (const url of [
      'https://127.0.0.1/h',
      'https://localhost/h',
      'https://[::ffff:127.0.0.1]/h',
      'https://169.254.169.254/h',
      `${receiverUrl}/p`,
    ]) {
      await expect(
        createEndpoint({ ctx: production, principal: owner, input: { url, events: ['keys.rotating'] } }),
      ).rejects.toMatchObject({ code: 'invalid_request' });
    }
    const request = (url: string) => ({
      url: new URL(url),
      headers: {},
      body: '{}',
      timeoutMs: 2000,
      publicOnly: true,
    });
    // This machine's own name resolves to a loopback address: refused before connecting.
    await expect(nodeTransport(request(`https://${hostname()}:1/h`))).rejects.toThrow(
      /refused|ENOTFOUND|EAI_AGAIN/,
    );
    await expect(nodeTransport(request(`${receiverUrl}/p`))).rejects.toThrow(/refused/);
    expect(received.filter((r) => r.path === '/p')).toHaveLength(0);
  });
});
