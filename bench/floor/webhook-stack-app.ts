/**
 * @module The house stack floor's app for webhook ingestion: a Hono route reading the raw body over
 * the mandated work (`webhook-work.ts`), with the Stripe SDK checking the signature
 * (`constructEvent`, five minutes' tolerance) and re-fetching the subscription through its platform
 * HTTP client, configured and started as the service does it; and a health route. Served by
 * `webhook-stack.ts`; `bench/profile-webhooks.ts` calls it in process.
 */
import { Hono } from 'hono';
import Stripe from 'stripe';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET } from '../../tools/stripe-emulator/constants';
import { type StripeEvent, type Sub, webhookWork } from './webhook-work';

export function webhookStackApp(file: string, stripeBase: string): Hono {
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
    // Started with stack traces off, as the service starts every Stripe call (`callStripe`): the
    // SDK formats a call-site stack trace at the start of each request (stripe-node#2688).
    fetchSubscription: async (id) => {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      let started: Promise<unknown>;
      try {
        started = stripe.subscriptions.retrieve(id);
      } finally {
        Error.stackTraceLimit = limit;
      }
      return (await started) as Sub;
    },
  });
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.post('/webhook', async (c) => {
    const status = await handle(c.req.header('stripe-signature') ?? '', await c.req.text());
    return c.json({ received: true }, status as 200);
  });
  return app;
}
