/**
 * @module Runs the demo publisher site on Node: `npx tsx examples/publisher/server.ts`.
 *
 *   ONEPASS_URL=http://127.0.0.1:8787 PUBLISHER_ID=pub_… PUBLISHER_API_KEY=ppk_test_… PORT=3000
 *   ONEPASS_WEBHOOK_SECRET=whsec_…   (the secret of its webhook endpoint, for POST /onepass/webhooks)
 *
 * `npm run dev` starts it with a demo publisher it registers itself.
 */
import { serve } from '@hono/node-server';
import { createPublisherApp } from './app';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} (see docs/PUBLISHERS.md).`);
    process.exit(1);
  }
  return value;
}

const app = createPublisherApp({
  onepassUrl: process.env.ONEPASS_URL ?? 'http://127.0.0.1:8787',
  publisherId: required('PUBLISHER_ID'),
  apiKey: required('PUBLISHER_API_KEY'),
  // POST /onepass/webhooks: the endpoint's secret (during a rotation, the new and the old, space-separated).
  webhookSecret: process.env.ONEPASS_WEBHOOK_SECRET?.split(/\s+/).filter(Boolean),
});
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '127.0.0.1';
const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
  console.log(`Demo publisher listening on http://localhost:${info.port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
