/**
 * @module The Node door (`npm start`): libSQL (file by default, or Turso), pending migrations
 * applied before listening, development secrets generated once into `.dev.vars`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { type Config, loadConfig } from '../app/config';
import { type AppContext, consoleLogger } from '../app/context';
import { createApp } from '../app/create-app';
import { runScheduledJobs } from '../app/jobs';
import { libsqlDb } from '../db/client';
import { createLocalClient, localPath } from '../db/local-client';
import { formatDotenv, generateDevSecrets, parseDotenv } from '../lib/dev-secrets';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MIGRATIONS_DIR = path.join(ROOT, 'migrations');
export const DEFAULT_DATABASE_URL = 'file:data/paywall.db';

/**
 * Outside production, secrets missing from the environment come from `.dev.vars`, which is created
 * with fresh ones on first run and kept, so sessions and tokens survive restarts. The same file
 * feeds `wrangler dev`.
 */
export async function withDevSecrets(
  env: Record<string, string | undefined>,
  file = path.join(ROOT, '.dev.vars'),
): Promise<Record<string, string | undefined>> {
  if ((env.ENVIRONMENT ?? 'development') === 'production') return env;
  let stored = existsSync(file) ? parseDotenv(readFileSync(file, 'utf8')) : {};
  const generated = await generateDevSecrets();
  const missing = Object.entries(generated).filter(([k]) => !stored[k]);
  if (missing.length > 0) {
    stored = { ...stored, ...Object.fromEntries(missing) };
    writeFileSync(file, `${formatDotenv(stored)}\n`, { mode: 0o600 });
    console.log(
      `Generated development secrets in ${path.relative(process.cwd(), file) || file}: ${missing.map(([k]) => k).join(', ')}`,
    );
    if (missing.some(([k]) => k === 'ADMIN_API_KEY'))
      console.log(`Admin API key (development): ${stored.ADMIN_API_KEY}`);
  }
  const merged: Record<string, string | undefined> = { ...stored };
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') merged[k] = v;
  return merged;
}

export async function openDatabase(config: Config) {
  const url = config.database.url ?? DEFAULT_DATABASE_URL;
  const isFile = url.startsWith('file:');
  if (isFile) {
    const file = localPath(url);
    if (file && !file.startsWith(':')) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }
  // A local file gets the statement-caching client (src/db/local-client.ts); remote URLs (Turso,
  // sqld) @libsql/client. No busy timeout: libsql waits synchronously, which would stall every
  // request of the process.
  // synchronous is per connection; in WAL mode NORMAL keeps the database consistent through any
  // crash and loses at most the last commits on power loss (docs/DEPLOY.md), at a tenth the cost.
  const client: Client = isFile
    ? createLocalClient({
        url,
        connectionPragmas: [
          'PRAGMA journal_mode = WAL',
          'PRAGMA foreign_keys = ON',
          `PRAGMA synchronous = ${config.database.synchronous}`,
        ],
      })
    : createClient({ url, authToken: config.database.authToken });
  if (!isFile) await client.execute('PRAGMA foreign_keys = ON');
  await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
  return { client, db: libsqlDb(client) };
}

/** Loads config, opens (and migrates) the database and returns the shared app for Node. */
export async function createNodeContext(env: Record<string, string | undefined>): Promise<AppContext> {
  const config = await loadConfig(env);
  const { db } = await openDatabase(config);
  const trustProxy = env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1';
  return {
    config,
    db,
    now: () => new Date(),
    logger: consoleLogger({ service: 'onepass', door: 'node' }, config.logLevel),
    clientIp: (c) => {
      // Behind a reverse proxy the socket is the proxy: then (and only then) X-Forwarded-For is believed.
      if (trustProxy) return c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      // In-process requests (app.request in tests and tools) have no socket to ask.
      if (!(c.env && typeof c.env === 'object' && 'incoming' in c.env)) return undefined;
      return getConnInfo(c).remote.address;
    },
  };
}

export function createNodeApp(ctx: AppContext) {
  return createApp(async () => ctx);
}

async function main(): Promise<void> {
  const env = await withDevSecrets(process.env);
  let ctx: AppContext;
  try {
    ctx = await createNodeContext(env);
  } catch (err) {
    console.error(`Refusing to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const app = createNodeApp(ctx);
  const port = Number(process.env.PORT ?? 8787);
  const hostname = process.env.HOST ?? '127.0.0.1';
  const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
    console.log(`OnePass listening on http://${hostname}:${info.port} (${ctx.config.environment})`);
  });
  // The Workers door has a cron trigger; here a timer does the same work (0 turns it off).
  const every = Number(process.env.JOBS_INTERVAL_SECONDS ?? 300);
  const timer =
    every > 0
      ? setInterval(() => {
          void runScheduledJobs(ctx);
        }, every * 1000)
      : undefined;
  timer?.unref();
  const stop = () => {
    if (timer) clearInterval(timer);
    server.close(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
