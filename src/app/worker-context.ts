/**
 * @module The context of the Workers door, built from bindings once per isolate: D1, or
 * libSQL/Turso over HTTP when DATABASE_URL is set; the client address from cf-connecting-ip.
 */
import { createClient } from '@libsql/client/web';
import { type Db, d1Db, libsqlDb } from '../db/client';
import { workerLedger } from '../features/ledger';
import { type Config, loadConfig } from './config';
import type { AppContext, RateLimitBinding } from './context';
import { consoleLogger } from './logger';

export interface WorkerBindings {
  DB?: D1Database;
  /** Optional `[[ratelimits]]` binding for publisher API calls (per key, per minute). */
  PUBLISHER_RATE_LIMITER?: unknown;
  /** The static assets of wrangler.toml's `[assets]`: the API reference viewer's browser bundle. */
  ASSETS?: { fetch(input: string, init?: RequestInit): Promise<Response> };
  [name: string]: unknown;
}

function isRateLimitBinding(value: unknown): value is RateLimitBinding {
  return (
    typeof value === 'object' && value !== null && typeof (value as RateLimitBinding).limit === 'function'
  );
}

/** Bindings are the same object for the life of an isolate; build config and db once for it. */
const contexts = new WeakMap<object, Promise<AppContext>>();

function databaseFor(env: WorkerBindings, config: Config): Db {
  if (config.database.url) {
    return libsqlDb(createClient({ url: config.database.url, authToken: config.database.authToken }));
  }
  if (!env.DB) throw new Error('No database: bind a D1 database as DB or set DATABASE_URL');
  return d1Db(env.DB);
}

export function contextFromBindings(env: WorkerBindings): Promise<AppContext> {
  let ctx = contexts.get(env);
  if (!ctx) {
    ctx = loadConfig(env).then((config) => ({
      config,
      db: databaseFor(env, config),
      ledger: workerLedger(env),
      now: () => new Date(),
      logger: consoleLogger({ service: 'onepass', door: 'workers' }, config.logLevel),
      // Cloudflare sets cf-connecting-ip itself; a client cannot forge it through Cloudflare.
      clientIp: (c) => c.req.header('cf-connecting-ip'),
      // wrangler.toml's [assets]: dist/docs-assets, written by scripts/docs-assets.ts. The binding
      // answers 304 itself when If-None-Match names its ETag.
      staticAsset: env.ASSETS
        ? async (path, ifNoneMatch) => {
            const res = await env.ASSETS?.fetch(`https://assets.invalid${path}`, {
              headers: ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch },
            });
            if (res === undefined || res.ok || res.status === 304) return res ?? null;
            await res.body?.cancel();
            return null;
          }
        : undefined,
      rateLimitBindings: isRateLimitBinding(env.PUBLISHER_RATE_LIMITER)
        ? { publisherCalls: env.PUBLISHER_RATE_LIMITER }
        : {},
    }));
    // A failed load is not cached: the next request retries (e.g. after a secret is added).
    ctx.catch(() => contexts.delete(env));
    contexts.set(env, ctx);
  }
  return ctx;
}
