/** @module Billing API: the reader's Checkout and billing portal, Stripe's webhook, the admin reconciliation. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AdminEnv, AppEnv, ReaderEnv } from '../../app/env';
import { PLANS } from '../../domain/membership';
import {
  adminSecurity,
  jsonBody,
  problemResponses,
  publicSecurity,
  readerSecurity,
} from '../../http/openapi';
import { adminPrincipal } from '../admin';
import { auditEntry } from '../audit';
import { requireReader } from '../readers';
import { startCheckout } from './checkout';
import { plansRoutes } from './plans-routes';
import { openBillingPortal } from './portal';
import { planPrices } from './prices';
import { reconcileStripe } from './reconcile';
import { receiveStripeWebhook } from './webhook/receive';

const UrlResult = z.object({
  url: z.string().openapi({ example: 'https://checkout.stripe.com/c/pay/cs_test_…' }),
});

const checkoutRoute = createRoute({
  method: 'post',
  path: '/v1/me/checkout',
  operationId: 'createCheckoutSession',
  tags: ['Billing'],
  summary: 'Start Stripe Checkout for a plan',
  description:
    'Creates a subscription-mode Checkout Session. During the free trial the subscription starts with a Stripe trial ' +
    'that ends when the free trial would have ended, so nothing is charged before. 409 when a subscription is already running.',
  security: readerSecurity,
  middleware: [requireReader],
  request: {
    body: jsonBody(
      z
        .object({
          plan: z.enum(PLANS).openapi({ example: 'monthly' }),
          success_url: z.url().max(2048).optional(),
          cancel_url: z.url().max(2048).optional(),
          currency: z
            .string()
            .regex(/^[A-Za-z]{3}$/)
            .optional()
            .openapi({
              description: "One of `GET /v1/plans` currencies; default: the prices' own",
              example: 'eur',
            }),
        })
        .openapi('CheckoutRequest'),
    ),
  },
  responses: {
    200: { description: 'The Checkout Session URL', content: { 'application/json': { schema: UrlResult } } },
    ...problemResponses(400, 401, 409, 415, 503),
  },
});

const portalRoute = createRoute({
  method: 'post',
  path: '/v1/me/billing-portal',
  operationId: 'createBillingPortalSession',
  tags: ['Billing'],
  summary: 'Open the Stripe billing portal',
  security: readerSecurity,
  middleware: [requireReader],
  request: {
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z.object({
            return_url: z.url().max(2048).optional(),
            flow: z.enum(['home', 'cancel']).optional().openapi({
              description:
                '`cancel` opens the portal straight in the cancellation of the subscription (its reasons and, with STRIPE_RETENTION_COUPON, a coupon offered to stay), then returns to `return_url`; 409 when there is none to cancel. Default `home`.',
            }),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: 'The portal session URL', content: { 'application/json': { schema: UrlResult } } },
    ...problemResponses(400, 401, 409, 415, 503),
  },
});

const webhookRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/stripe',
  operationId: 'receiveStripeWebhook',
  security: publicSecurity,
  tags: ['Stripe'],
  summary: 'Stripe webhook endpoint',
  description:
    'Verifies `Stripe-Signature` on the raw body (5 minute tolerance) before anything else. Each event id takes ' +
    'effect once; the subscription is re-fetched so the latest state wins whatever the arrival order. 5xx when ' +
    'applying fails, so that Stripe retries; 200 for event types that are not handled.',
  // Documented, not validated: a header schema makes the validator copy every request header into
  // an object (on the Node door, a full `Headers`), and the handler reads the one header itself.
  parameters: [
    {
      name: 'stripe-signature',
      in: 'header',
      required: false,
      description:
        "Stripe's signature of the raw body (`t=…,v1=…`); a delivery without a valid one is refused (400).",
      schema: { type: 'string' },
    },
  ],
  responses: {
    200: {
      description: 'Processed (or a duplicate, or an ignored type)',
      content: {
        'application/json': {
          schema: z.object({
            received: z.boolean(),
            event: z.string(),
            outcome: z.enum(['applied', 'unchanged', 'ignored', 'unmatched', 'duplicate']),
          }),
        },
      },
    },
    ...problemResponses(400, 413, 503),
  },
});

const reconcileRoute = createRoute({
  method: 'post',
  path: '/v1/admin/stripe/reconcile',
  operationId: 'reconcileStripeEvents',
  tags: ['Admin'],
  summary: "Re-apply Stripe's recent events that were never processed (also runs on a schedule)",
  security: adminSecurity,
  request: {
    query: z.object({ max_events: z.coerce.number().int().min(1).max(5000).default(1000) }),
  },
  responses: {
    200: {
      description: 'What the run did; call again while `complete` is false',
      content: {
        'application/json': {
          schema: z.object({
            scanned: z.number().int(),
            applied: z.number().int(),
            complete: z.boolean(),
            window_start: z.number().int(),
            held_retried: z.number().int().openapi({
              description: 'Events that matched no membership when they arrived, applied again.',
            }),
          }),
        },
      },
    },
    ...problemResponses(400, 401, 403, 503),
  },
});

const readerBillingRoutes = new OpenAPIHono<ReaderEnv>()
  .openapi(checkoutRoute, async (c) => {
    const body = c.req.valid('json');
    const result = await startCheckout({
      ctx: c.get('ctx'),
      principal: c.get('reader'),
      input: {
        plan: body.plan,
        successUrl: body.success_url,
        cancelUrl: body.cancel_url,
        currency: body.currency
          ? (await planPrices(c.get('ctx'), { currency: body.currency })).currency
          : undefined,
      },
    });
    return c.json(result, 200);
  })
  .openapi(portalRoute, async (c) => {
    const body = c.req.valid('json');
    return c.json(
      await openBillingPortal({
        ctx: c.get('ctx'),
        principal: c.get('reader'),
        input: { returnUrl: body.return_url, flow: body.flow },
      }),
      200,
    );
  });

const webhookRoutes = new OpenAPIHono<AppEnv>().openapi(webhookRoute, async (c) => {
  const rawBody = await c.req.text();
  const result = await receiveStripeWebhook({
    ctx: c.get('ctx'),
    input: { rawBody, signature: c.req.header('stripe-signature') },
  });
  return c.json({ received: true, ...result }, 200);
});

const adminBillingRoutes = new OpenAPIHono<AdminEnv>().openapi(reconcileRoute, async (c) => {
  const ctx = c.get('ctx');
  const result = await reconcileStripe({ ctx, input: { maxEvents: c.req.valid('query').max_events } });
  // Its changes are recorded one by one in stripe_events (source `reconcile`); this row says who ran it.
  await ctx.db.batch([
    auditEntry(ctx, adminPrincipal(c), {
      action: 'stripe.reconcile',
      targetType: 'stripe',
      targetId: 'reconcile',
      before: null,
      after: result,
    }),
  ]);
  return c.json(result, 200);
});

export const billingRoutes = new OpenAPIHono<AppEnv>()
  .route('/', readerBillingRoutes)
  .route('/', plansRoutes)
  .route('/', webhookRoutes)
  .route('/', adminBillingRoutes);
