/**
 * @module The context of the Node door: configuration from the environment (development secrets
 * generated once into `.dev.vars`), the database opened and migrated, the client address from the
 * socket or, behind a proxy, from X-Forwarded-For. Tests build the Node app through here too.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConnInfo } from '@hono/node-server/conninfo';
import { openDatabase } from '../db/open';
import { nodeLedger } from '../features/ledger/node-ledger';
import { nodeTransport } from '../features/webhooks/node-transport';
import { formatDotenv, generateDevSecrets, parseDotenv } from '../lib/dev-secrets';
import { loadConfig } from './config';
import type { AppContext } from './context';
import { createApp } from './create-app';
import { consoleLogger } from './logger';
import { nodeStaticAsset } from './node-assets';
import { StampedResponse } from './node-response';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

/** Loads config, opens (and migrates) the database and returns the context shared by every request. */
export async function createNodeContext(env: Record<string, string | undefined>): Promise<AppContext> {
  const config = await loadConfig(env);
  const { db } = await openDatabase(config);
  return {
    config,
    db,
    ledger: nodeLedger(env),
    now: () => new Date(),
    logger: consoleLogger({ service: 'onepass', door: 'node' }, config.logLevel),
    sharesIoAcrossRequests: true,
    staticAsset: nodeStaticAsset,
    webhookTransport: nodeTransport,
    clientIp: (c) => {
      // Behind a reverse proxy the socket is the proxy: then (and only then) X-Forwarded-For is believed.
      if (config.node.trustProxy) return c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      // In-process requests (app.request in tests and tools) have no socket to ask.
      if (!(c.env && typeof c.env === 'object' && 'incoming' in c.env)) return undefined;
      return getConnInfo(c).remote.address;
    },
    stampHeaders: (c, requestId, headers) => {
      // @hono/node-server hands the app its outgoing message. The door's own (StampedResponse)
      // lays these under the answer's headers in writeHead; any other, after the app has answered,
      // lays the answer's headers over these.
      const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
      if (!(outgoing instanceof ServerResponse) || outgoing.headersSent) return false;
      if (outgoing instanceof StampedResponse) {
        outgoing.stamp(requestId, headers);
        return true;
      }
      outgoing.setHeader('x-request-id', requestId);
      for (const name in headers) outgoing.setHeader(name, headers[name] as string);
      return true;
    },
  };
}

export function createNodeApp(ctx: AppContext) {
  return createApp(() => ctx);
}
