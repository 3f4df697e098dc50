/**
 * @module The house stack's floor for webhook ingestion: the same work as the bare floor
 * (`webhook-work.ts`) behind what the service is built on and nothing of the service's own:
 * `@hono/node-server` serving `webhook-stack-app.ts` (a Hono route and the Stripe SDK).
 *
 *   node --import tsx bench/floor/webhook-stack.ts <database file> <port> <Stripe API base URL>
 */
import { serve } from '@hono/node-server';
import { webhookStackApp } from './webhook-stack-app';

const [file, port, stripeBase] = process.argv.slice(2);
if (!file || !port || !stripeBase)
  throw new Error('usage: webhook-stack.ts <database file> <port> <Stripe URL>');
const app = webhookStackApp(file, stripeBase);
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' });
process.once('SIGTERM', () => process.exit(0));
