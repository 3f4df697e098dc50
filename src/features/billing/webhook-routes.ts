/** @module Stripe webhooks and the admin reconciliation trigger. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { problemResponses } from '../../http/shapes';
import { auditEntry } from '../audit/entry';
import { reconcileStripe } from './reconcile';
import { receiveStripeWebhook } from './webhook/verify';

const webhookRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/stripe',
  tags: ['Stripe'],
  summary: 'Stripe webhook endpoint',
  description:
    'Verifies `Stripe-Signature` on the raw body (5 minute tolerance) before anything else. Each event id takes ' +
    'effect once; the subscription is re-fetched so the latest state wins whatever the arrival order. 5xx when ' +
    'applying fails, so that Stripe retries; 200 for event types that are not handled.',
  request: { headers: z.object({ 'stripe-signature': z.string().optional() }) },
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
  tags: ['Admin'],
  summary: "Re-apply Stripe's recent events that were never processed (also runs on a schedule)",
  security: [{ adminKey: [] }] as Record<string, string[]>[],
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
          }),
        },
      },
    },
    ...problemResponses(400, 401, 403, 503),
  },
});

export const stripeRoutes = new OpenAPIHono<AppEnv>()
  .openapi(webhookRoute, async (c) => {
    const raw = await c.req.text();
    const result = await receiveStripeWebhook(c.get('ctx'), raw, c.req.header('stripe-signature'));
    return c.json({ received: true, ...result }, 200);
  })
  .openapi(reconcileRoute, async (c) => {
    const ctx = c.get('ctx');
    const result = await reconcileStripe(ctx, { maxEvents: c.req.valid('query').max_events });
    // Its changes are recorded one by one in stripe_events (source `reconcile`); this row says who ran it.
    await ctx.db.batch([
      auditEntry(
        ctx,
        { actor: c.get('admin'), requestId: c.get('requestId') },
        {
          action: 'stripe.reconcile',
          targetType: 'stripe',
          targetId: 'reconcile',
          before: null,
          after: result,
        },
      ),
    ]);
    return c.json(result, 200);
  });
