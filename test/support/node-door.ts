/**
 * @module The Door of the Node runtime: the Node door's real app (as `npm start` builds it) on a
 * fresh libSQL file with the real migrations, or on any DATABASE_URL given (a remote libSQL server).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { SQL } from 'drizzle-orm';
import type { AppContext } from '../../src/app/context';
import type { AppEnv } from '../../src/app/env';
import { createNodeApp, createNodeContext } from '../../src/app/node-context';
import { nodeServerOptions } from '../../src/app/node-response';
import { generateDevSecrets } from '../../src/lib/dev-secrets';
import { answerOf, BASE, type Door, requestOf } from './door';

export interface NodeDoor extends Door {
  app: OpenAPIHono<AppEnv>;
  ctx: AppContext;
  env: Record<string, string>;
  dir: string;
  close(): void;
}

/**
 * Starts the Node door's app in-process. Each call comes from its own client address (through
 * X-Forwarded-For with TRUST_PROXY), so per-IP limits stay out of the way of tests about other
 * things; the rate-limit suites test them on purpose.
 */
export async function startNodeDoor(
  extraEnv: Record<string, string> = {},
  options: { clock?: () => Date; name?: string; ledger?: { shards: number; hotDays?: number } } = {},
): Promise<NodeDoor> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onepass-node-'));
  // The period ledger (docs/LEDGER.md) in files beside the database, and its archive directory.
  const ledger = options.ledger && {
    LEDGER_DATABASE_URL: `file:${path.join(dir, 'ledger', '{month}-{shard}.db')}`,
    LEDGER_ARCHIVE_DIR: path.join(dir, 'archive'),
    LEDGER_SHARDS: String(options.ledger.shards),
    ...(options.ledger.hotDays ? { READS_HOT_DAYS: String(options.ledger.hotDays) } : {}),
  };
  const env = {
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'warn',
    PUBLIC_URL: BASE,
    TRUST_PROXY: 'true',
    DATABASE_URL: `file:${path.join(dir, 'paywall.db')}`,
    ...(await generateDevSecrets()),
    ...ledger,
    ...extraEnv,
  };
  const loaded = await createNodeContext(env);
  // The clock is the context's seam: billing tests run the service on the Stripe emulator's clock.
  const ctx: AppContext = options.clock ? { ...loaded, now: options.clock } : loaded;
  const app = createNodeApp(ctx);
  const fetch = async (input: string | URL | Request, init?: RequestInit) =>
    app.request(input instanceof Request ? input : String(input), init);
  return {
    name: options.name ?? (env.DATABASE_URL.startsWith('file:') ? 'node' : 'node-remote'),
    base: BASE,
    adminKey: env.ADMIN_API_KEY,
    app,
    ctx,
    env,
    dir,
    async call(method, p, callOptions = {}) {
      const { headers, body } = requestOf(callOptions);
      headers['x-forwarded-for'] ??= `198.51.100.${Math.floor(Math.random() * 254) + 1}, 10.0.0.1`;
      return answerOf(await app.request(`${BASE}${p}`, { method, headers, body }));
    },
    fetch,
    query: <T>(statement: SQL) => ctx.db.all<T>(statement),
    config: async () => ctx.config,
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { BASE } from './door';

/**
 * The door's app behind a real HTTP server on a free loopback port, for requests over sockets: with
 * the door's own outgoing message (`nodeServerOptions`), as `npm start` serves, unless `plain`.
 */
export async function serveNodeDoor(
  door: NodeDoor,
  { plain = false }: { plain?: boolean } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve) => {
    const server = serve(
      {
        fetch: door.app.fetch,
        port: 0,
        hostname: '127.0.0.1',
        ...(plain ? {} : { serverOptions: nodeServerOptions }),
      },
      (info) => {
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      },
    );
  });
}
