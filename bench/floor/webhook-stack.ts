/**
 * @module The house stack's floor for webhook ingestion: the same work as the bare floor
 * (`webhook-work.ts`) behind what the service is built on and nothing of the service's own:
 * `@hono/node-server`, a Hono route reading the raw body, and the Stripe SDK, which checks the
 * signature (`constructEvent`, five minutes' tolerance) and re-fetches the subscription with its
 * platform HTTP client, configured as the service configures it.
 *
 *   node --import tsx bench/floor/webhook-stack.ts <database file> <port> <Stripe API base URL>
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import Stripe from 'stripe';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET } from '../../tools/stripe-emulator/constants';
import { type StripeEvent, type Sub, webhookWork } from './webhook-work';

const [file, port, stripeBase] = process.argv.slice(2);
if (!file || !port || !stripeBase)
  throw new Error('usage: webhook-stack.ts <database file> <port> <Stripe URL>');
const base = new URL(stripeBase);
const stripe = new Stripe(EMULATOR_SECRET_KEY, {
  maxNetworkRetries: 2,
  host: base.hostname,
  port: base.port,
  protocol: 'http',
});
const crypto = Stripe.createNodeCryptoProvider();

const handle = webhookWork(file, {
  verifiedEvent: (header, body) => {
    try {
      return stripe.webhooks.constructEvent(
        body,
        header,
        EMULATOR_WEBHOOK_SECRET,
        300,
        crypto,
      ) as unknown as StripeEvent;
    } catch {
      return null;
    }
  },
  fetchSubscription: async (id) => (await stripe.subscriptions.retrieve(id)) as unknown as Sub,
});

const app = new Hono();
app.get('/health', (c) => c.json({ status: 'ok' }));
app.post('/webhook', async (c) => {
  const status = await handle(c.req.header('stripe-signature') ?? '', await c.req.text());
  return c.json({ received: true }, status as 200);
});
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' });
process.once('SIGTERM', () => process.exit(0));
