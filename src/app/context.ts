/** @module The request-independent context every use-case receives (db, config, clock, logger), and the use-case shape. */
import type { Context } from 'hono';
import type { Db } from '../db/client';
import type { Ledger } from '../features/ledger';
import type { WebhookTransport } from '../features/webhooks/transport';
import type { Config } from './config';
import type { Logger } from './logger';

export interface AppContext {
  db: Db;
  config: Config;
  /** The clock; tests and the domain rules take time from here, never from `Date.now()` directly. */
  now: () => Date;
  logger: Logger;
  /** Cloudflare rate-limiting bindings by limit name, where deployed with them (see features/limits). */
  rateLimitBindings?: Partial<Record<keyof Config['limits'], RateLimitBinding>>;
  /** The client's IP address for per-IP limits: each door knows where to find it. */
  clientIp?: (c: Context) => string | undefined;
  /**
   * Where the door can write the headers every answer carries (src/http/security-headers.ts) more
   * cheaply than through the Response: the Node door sets them on its outgoing message, under the
   * answer's own headers. Returns false when it cannot (in-process requests), and the app adds them
   * to the Response instead.
   */
  stampHeaders?: (c: Context, requestId: string, headers: Readonly<Record<string, string>>) => boolean;
  /** Set per request by the app from `clientIp`: the caller's address, for per-IP limits. */
  clientAddress?: string;
  /** Set per request by the app: the caller's User-Agent (cut short), kept with a new session. */
  userAgent?: string;
  /**
   * Whether one request may wait on I/O that another request started (coalesced Stripe reads).
   * True on Node. Never on Workers: there I/O belongs to the request that started it, and a
   * request that ends takes it along, so the one waiting on it would hang.
   */
  sharesIoAcrossRequests?: boolean;
  /**
   * Set per request by the app: runs `task` after the answer is sent (Workers: `waitUntil`; Node:
   * in the background), its failure logged. How a mail that cannot wait for the next scheduled
   * run (a sign-in code) leaves at once.
   */
  defer?: (task: () => Promise<unknown>) => void;
  /**
   * The files the service serves from outside its code: the API reference viewer's script
   * (`@scalar/api-reference`'s browser bundle, so that `/docs` works offline) and the passkeys
   * pages' script. Workers read them from their static assets (the `ASSETS` binding), which keeps
   * them out of the bundle; Node from the installed package and the generated module. Given a path
   * and the request's `If-None-Match`, it answers 200 with an `ETag`, or 304; null for a file
   * the door does not have.
   */
  staticAsset?: (path: string, ifNoneMatch: string | undefined) => Promise<Response | null>;
  /**
   * How outbound webhooks leave (features/webhooks): the Node door resolves names and connects to
   * the address it checked; unset (Workers), `fetch` with literal addresses checked.
   */
  webhookTransport?: WebhookTransport;
  /**
   * The period ledger (docs/LEDGER.md), where the door is configured with one: closed days' reads
   * are copied into it, statements are made from it, and `reads` keeps only the hot days. Unset,
   * `reads` holds every read and is the ledger.
   */
  ledger?: Ledger;
}

/** Cloudflare's Workers rate-limiting binding (`[[ratelimits]]` in wrangler.toml). */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/**
 * The one shape of every use-case: `({ ctx, principal, input })`. `principal` is who acts: a
 * signed-in reader, a publisher, an admin (with the request it came in on, for the audit log).
 * Use-cases that anyone may call (sign-up, a reset request) have none.
 *
 * @example
 * ```ts
 * export async function startCheckout({ ctx, principal, input }: UseCase<CheckoutInput, Authenticated>) {}
 * ```
 */
export type UseCase<I = undefined, P = undefined> = { ctx: AppContext; input: I } & ([P] extends [undefined]
  ? { principal?: undefined }
  : { principal: P });
