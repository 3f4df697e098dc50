/** @module Reader billing API: Stripe Checkout and the billing portal. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { PLANS } from '../../domain/membership';
import { requireReader } from '../../http/auth';
import { jsonBody, problemResponses, readerSecurity } from '../../http/shapes';
import { openBillingPortal, startCheckout } from './checkout';

const UrlResult = z.object({
  url: z.string().openapi({ example: 'https://checkout.stripe.com/c/pay/cs_test_…' }),
});

const checkoutRoute = createRoute({
  method: 'post',
  path: '/v1/me/checkout',
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
  tags: ['Billing'],
  summary: 'Open the Stripe billing portal',
  security: readerSecurity,
  middleware: [requireReader],
  request: {
    body: {
      required: false,
      content: { 'application/json': { schema: z.object({ return_url: z.url().max(2048).optional() }) } },
    },
  },
  responses: {
    200: { description: 'The portal session URL', content: { 'application/json': { schema: UrlResult } } },
    ...problemResponses(400, 401, 409, 415, 503),
  },
});

export const billingRoutes = new OpenAPIHono<AppEnv>()
  .openapi(checkoutRoute, async (c) => {
    const body = c.req.valid('json');
    const result = await startCheckout(c.get('ctx'), c.get('reader'), {
      plan: body.plan,
      successUrl: body.success_url,
      cancelUrl: body.cancel_url,
    });
    return c.json(result, 200);
  })
  .openapi(portalRoute, async (c) => {
    const body = c.req.valid('json');
    return c.json(
      await openBillingPortal(c.get('ctx'), c.get('reader'), { returnUrl: body.return_url }),
      200,
    );
  });
