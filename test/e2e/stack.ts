/**
 * @module The whole system on loopback ports for the browser tests: the Stripe emulator, OnePass
 * through the Node door on a temporary libSQL file, and the demo publisher site.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { createPublisherApp } from '../../examples/publisher/app';
import type { AppContext } from '../../src/app/context';
import { createNodeApp, createNodeContext } from '../../src/app/node-context';
import { readers } from '../../src/db/schema';
import { generateDevSecrets } from '../../src/lib/dev-secrets';
import { freePort } from '../../tools/free-port';
import { type RunningStripeEmulator, startStripeEmulator } from '../../tools/stripe-emulator';

export interface Stack {
  /** OnePass, on 127.0.0.1 (or `localhost`, which WebAuthn needs: an IP address is no RP id). */
  serviceUrl: string;
  /**
   * The demo publisher, on `localhost`: another site than 127.0.0.1 for the browser, so the two
   * keep separate cookies (cookies ignore ports) and `/access` is a real cross-site navigation.
   */
  publisherUrl: string;
  emulator: RunningStripeEmulator;
  ctx: AppContext;
  adminKey: string;
  /** The demo publisher's id and its API key. */
  publisherId: string;
  publisherKey: string;
  /** Moves the demo publisher's clock (not OnePass's), e.g. past a token's expiry. */
  setPublisherClockOffset(ms: number): void;
  readerIdByEmail(email: string): Promise<string>;
  close(): Promise<void>;
}

async function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  port: number,
): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port, hostname: '127.0.0.1' }, () => resolve(server));
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

/**
 * Starts everything; `env` adds to (or overrides) OnePass's configuration, e.g. `METER_FREE_ARTICLES`.
 * `serviceHost: 'localhost'` puts OnePass on the publisher's host name (for passkeys): the two then
 * share the browser's cookies, so such a test leaves the publisher alone.
 */
export async function startStack(
  env: Record<string, string> = {},
  { serviceHost = '127.0.0.1' }: { serviceHost?: '127.0.0.1' | 'localhost' } = {},
): Promise<Stack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onepass-e2e-'));
  const servicePort = await freePort();
  const serviceUrl = `http://${serviceHost}:${servicePort}`;
  const emulator = await startStripeEmulator({
    port: 0,
    deliveryMode: 'auto',
    webhookUrls: [`${serviceUrl}/v1/webhooks/stripe`],
    retryBaseMs: 200,
    log: () => {},
  });
  const secrets = await generateDevSecrets();
  // `test`, not `development`: the session cookie is `__Host-` and Secure as in production.
  // Chromium counts http://127.0.0.1 as a secure context, so it stores and sends such cookies.
  const ctx = await createNodeContext({
    ...secrets,
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'error',
    PUBLIC_URL: serviceUrl,
    DATABASE_URL: `file:${path.join(dir, 'paywall.db')}`,
    STRIPE_API_BASE: emulator.url,
    ...env,
  });
  const service = await listen(createNodeApp(ctx).fetch, servicePort);

  const publisherPort = await freePort();
  const publisherUrl = `http://localhost:${publisherPort}`;
  const created = await fetch(`${serviceUrl}/v1/admin/publishers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secrets.ADMIN_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'The Daily Example', origins: [publisherUrl] }),
  });
  if (created.status !== 201) throw new Error(`publisher creation failed: ${await created.text()}`);
  const { publisher, api_key: apiKey } = (await created.json()) as {
    publisher: { id: string };
    api_key: string;
  };
  let offset = 0;
  const demo = createPublisherApp({
    onepassUrl: serviceUrl,
    publisherId: publisher.id,
    apiKey,
    now: () => Date.now() + offset,
  });
  const publisherServer = await listen(demo.fetch, publisherPort);

  return {
    serviceUrl,
    publisherUrl,
    emulator,
    ctx,
    adminKey: secrets.ADMIN_API_KEY,
    publisherId: publisher.id,
    publisherKey: apiKey,
    setPublisherClockOffset(ms) {
      offset = ms;
    },
    async readerIdByEmail(email) {
      const [row] = await ctx.db.select({ id: readers.id }).from(readers).where(eq(readers.emailKey, email));
      if (!row) throw new Error(`no reader ${email}`);
      return row.id;
    },
    async close() {
      await close(publisherServer);
      await close(service);
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
