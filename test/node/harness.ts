import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppContext } from '../../src/app/context';
import type { AppEnv } from '../../src/app/env';
import { createNodeApp, createNodeContext } from '../../src/app/node-context';
import { generateDevSecrets } from '../../src/lib/dev-secrets';

export const BASE = 'http://127.0.0.1:8787';

export interface NodeHarness {
  app: OpenAPIHono<AppEnv>;
  ctx: AppContext;
  env: Record<string, string>;
  dir: string;
  call(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
    // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON answers
  ): Promise<{ status: number; headers: Headers; json: any; text: string }>;
  close(): void;
}

/** The Node door's real app on a fresh libSQL file database with the real migrations applied. */
export async function startNodeHarness(
  extraEnv: Record<string, string> = {},
  clock?: () => Date,
): Promise<NodeHarness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onepass-node-'));
  const env = {
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'warn',
    PUBLIC_URL: BASE,
    // Each harness call comes from its own address (see `call`), so per-IP limits stay out of the
    // way of tests about other things; test/node/rate-limit.test.ts tests them on purpose.
    TRUST_PROXY: 'true',
    DATABASE_URL: `file:${path.join(dir, 'paywall.db')}`,
    ...(await generateDevSecrets()),
    ...extraEnv,
  };
  const loaded = await createNodeContext(env);
  // The clock is the context's seam: billing tests run the service on the Stripe emulator's clock.
  const ctx: AppContext = clock ? { ...loaded, now: clock } : loaded;
  const app = createNodeApp(ctx);
  return {
    app,
    ctx,
    env,
    dir,
    async call(method, p, options = {}) {
      const headers: Record<string, string> = {
        'x-forwarded-for': `198.51.100.${Math.floor(Math.random() * 254) + 1}, 10.0.0.1`,
        ...options.headers,
      };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await app.request(`${BASE}${p}`, { method, headers, body });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null; // an HTML page or plain text: `text` has it
      }
      return { status: res.status, headers: res.headers, json, text };
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
