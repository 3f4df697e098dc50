/** @module `startStripeEmulator`: a local, stateful Stripe stand-in on an HTTP port, for development and tests. */

import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createEmulatorApp } from './app';
import { EMULATOR_HOST, EMULATOR_PORT, EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET } from './constants';
import { Emulator } from './emulator';
import { keepStateIn, loadStateFile } from './persist';
import type { State } from './store';
import type { DeliveryMode } from './webhooks';

export { createEmulatorApp } from './app';
export * from './constants';
export { Emulator } from './emulator';
export type { Delivery, DeliveryAttempt, DeliveryMode } from './webhooks';
export { signatureHeader } from './webhooks';

export interface StripeEmulatorOptions {
  /** 0 picks a free port; default 12111. */
  port?: number;
  host?: string;
  secretKey?: string;
  webhookSecret?: string;
  webhookUrls?: string[];
  deliveryMode?: DeliveryMode;
  /** First retry delay of a failed webhook delivery; later ones double. Default 1000 ms. */
  retryBaseMs?: number;
  /** Attempts per delivery before it is given up. Default 8. */
  maxAttempts?: number;
  /** Start of the emulator clock, unix seconds. Default: now. */
  now?: number;
  /** Let the clock also move with wall-clock time (the CLI does; tests should not). Default false. */
  followRealTime?: boolean;
  log?: (line: string) => void;
  /**
   * Keep everything (objects, events, clock, counters, webhook endpoints and deliveries) in this
   * JSON file across restarts: loaded at start (then `now` is ignored), saved shortly after each
   * change and on `close()`. Default: memory only.
   */
  stateFile?: string;
}

export interface RunningStripeEmulator {
  /** `http://host:port`, the value for the service's `STRIPE_API_BASE`. */
  url: string;
  port: number;
  /** The running instance, for tests that want to look inside. */
  emulator: Emulator;
  /** Read-only view of the current state (replaced on reset, so read it each time). */
  readonly state: Readonly<State>;
  close(): Promise<void>;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Starts the emulator and resolves once it listens.
 *
 * @example
 * const emu = await startStripeEmulator({ port: 0, webhookUrls: ['http://127.0.0.1:8787/v1/webhooks/stripe'] });
 * const stripe = new Stripe(EMULATOR_SECRET_KEY, {
 *   httpClient: Stripe.createFetchHttpClient(), host: '127.0.0.1', port: emu.port, protocol: 'http',
 * });
 * await emu.close();
 */
export async function startStripeEmulator(
  options: StripeEmulatorOptions = {},
): Promise<RunningStripeEmulator> {
  const host = options.host ?? EMULATOR_HOST;
  const emulator = new Emulator({
    secretKey: options.secretKey ?? EMULATOR_SECRET_KEY,
    webhookSecret: options.webhookSecret ?? EMULATOR_WEBHOOK_SECRET,
    baseUrl: '',
    log: options.log ?? (() => {}),
    webhookUrls: options.webhookUrls ?? [],
    deliveryMode: options.deliveryMode ?? 'auto',
    retryBaseMs: options.retryBaseMs ?? 1000,
    maxAttempts: options.maxAttempts ?? 8,
    now: options.now ?? Math.floor(Date.now() / 1000),
    followRealTime: options.followRealTime ?? false,
  });
  const log = options.log ?? (() => {});
  const saved = options.stateFile ? loadStateFile(options.stateFile, log) : null;
  if (saved) {
    emulator.restore(saved);
    log(
      `state loaded from ${options.stateFile}: ${count(saved.state.customers.size, 'customer')}, ${count(saved.state.subscriptions.size, 'subscription')}`,
    );
  }
  const keeper = options.stateFile ? keepStateIn(options.stateFile, emulator, log) : null;
  const app = createEmulatorApp(emulator);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? EMULATOR_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    keeper?.stop();
    emulator.webhooks.close();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  // Hosted page URLs must be reachable by a browser even when listening on all interfaces.
  const publicHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${publicHost}:${port}`;
  emulator.settings.baseUrl = url;
  const ticker = options.followRealTime ? setInterval(() => emulator.tick(), 1000) : undefined;
  ticker?.unref();
  return {
    url,
    port,
    emulator,
    get state() {
      return emulator.ctx.state;
    },
    close: async () => {
      if (ticker !== undefined) clearInterval(ticker);
      keeper?.stop();
      keeper?.flush();
      emulator.webhooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}
