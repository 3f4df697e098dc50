/** @module `createEmulatorApp`: the Hono app that serves the Stripe API subset, the hosted pages and the controls. */

import { Hono } from 'hono';
import { EMULATOR_API_VERSION } from './constants';
import type { Emulator } from './emulator';
import { EmulatorApiError } from './errors';
import { apiRoute } from './http';
import { catalogRoutes } from './routes/catalog';
import { checkoutRoutes } from './routes/checkout';
import { controlRoutes } from './routes/control';
import { customerRoutes } from './routes/customers';
import { disputeRoutes } from './routes/disputes';
import { eventRoutes } from './routes/events';
import { hostedInvoiceRoutes } from './routes/hosted-invoices';
import { pageRoutes } from './routes/pages';
import { paymentRoutes } from './routes/payments';
import { portalRoutes } from './routes/portal';
import { subscriptionRoutes } from './routes/subscriptions';
import { testClockRoutes } from './routes/test-clocks';

export function createEmulatorApp(emulator: Emulator): Hono {
  const { ctx } = emulator;
  const app = new Hono();

  // Lets a clock that follows wall time catch up before anything reads it; after anything but a
  // read, tells a state file (if any) that there may be something new to save.
  app.use('*', async (c, next) => {
    emulator.tick();
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') emulator.changed();
  });

  app.get('/', (c) =>
    c.json({
      name: 'Local Stripe emulator',
      api_version: EMULATOR_API_VERSION,
      docs: 'tools/stripe-emulator/README.md',
      health: '/_emulator/health',
    }),
  );

  for (const routes of [
    customerRoutes(ctx),
    catalogRoutes(ctx),
    checkoutRoutes(ctx),
    subscriptionRoutes(ctx),
    paymentRoutes(ctx),
    disputeRoutes(ctx),
    testClockRoutes(ctx),
    portalRoutes(ctx),
    eventRoutes(ctx),
    pageRoutes(ctx),
    hostedInvoiceRoutes(ctx),
    controlRoutes(emulator),
  ]) {
    app.route('/', routes);
  }

  // Stripe checks the key before it reports an unknown URL.
  app.all(
    '/v1/*',
    apiRoute(ctx, () => {
      throw new EmulatorApiError(404, {
        type: 'invalid_request_error',
        message: 'Unrecognized request URL. The emulator implements only a subset of the Stripe API.',
      });
    }),
  );

  return app;
}
