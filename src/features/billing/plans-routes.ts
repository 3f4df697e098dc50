/** @module `GET /v1/plans`: the plans' prices in a currency, public and cached, the figures `/subscribe` shows. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { PLANS } from '../../domain/membership';
import { problemResponses, publicSecurity } from '../../http/openapi';
import { type PlanPrices, planPrices, readerCountry } from './prices';

const PlanPriceSchema = z
  .object({
    plan: z.enum(PLANS).openapi({ example: 'monthly' }),
    price: z.string().openapi({ description: 'The Stripe price id', example: 'price_1Q…' }),
    unit_amount: z
      .number()
      .int()
      .openapi({ description: "In the currency's minor unit, as Stripe counts it", example: 899 }),
    currency: z.string().openapi({ example: 'eur' }),
    interval: z.string().openapi({ example: 'month' }),
    interval_count: z.number().int().openapi({ example: 1 }),
    display: z.string().openapi({ description: 'The amount as shown to readers', example: '€8.99' }),
    tax: z.enum(['plus_tax', 'tax_included']).nullable().openapi({
      description:
        'With Stripe Tax on (`STRIPE_AUTOMATIC_TAX`): `tax_included` for a price whose tax_behavior is `inclusive`, else `plus_tax`; null when tax is not computed',
    }),
  })
  .openapi('PlanPrice');

const PlansSchema = z
  .object({
    currency: z.string().openapi({ example: 'eur' }),
    currencies: z.array(z.string()).openapi({ example: ['usd', 'eur', 'gbp'] }),
    automatic_tax: z.boolean(),
    promotion_codes: z.boolean().openapi({ description: 'Checkout takes promotion codes' }),
    data: z.array(PlanPriceSchema),
  })
  .openapi('Plans');

const plansRoute = createRoute({
  method: 'get',
  path: '/v1/plans',
  operationId: 'listPlans',
  tags: ['Billing'],
  security: publicSecurity,
  summary: "The plans' prices, in the reader's currency",
  description:
    'Public; cached for five minutes. With `currency` (one of `currencies`, else 400) the prices in it; without, the ' +
    "currency of the caller's country (Cloudflare's on Workers, the region of `Accept-Language` on Node unless behind " +
    "a trusted proxy that sets `cf-ipcountry`) when the prices offer it, else `DEFAULT_CURRENCY`, else the prices' own. " +
    'These are the figures `/subscribe` shows; Checkout is then opened in the same currency.',
  request: {
    query: z.object({
      currency: z
        .string()
        .regex(/^[A-Za-z]{3}$/)
        .optional()
        .openapi({ description: 'A three-letter ISO currency code', example: 'eur' }),
    }),
  },
  responses: {
    200: { description: 'The plans', content: { 'application/json': { schema: PlansSchema } } },
    ...problemResponses(400, 503),
  },
});

export function presentPlans(p: PlanPrices): z.infer<typeof PlansSchema> {
  return {
    currency: p.currency,
    currencies: p.currencies,
    automatic_tax: p.automaticTax,
    promotion_codes: p.promotionCodes,
    data: p.plans.map((x) => ({
      plan: x.plan,
      price: x.priceId,
      unit_amount: x.amount,
      currency: x.currency,
      interval: x.interval,
      interval_count: x.intervalCount,
      display: x.display,
      tax: x.tax,
    })),
  };
}

export const plansRoutes = new OpenAPIHono<AppEnv>().openapi(plansRoute, async (c) => {
  const ctx = c.get('ctx');
  const { currency } = c.req.valid('query');
  const plans = await planPrices(ctx, { currency, country: currency ? null : readerCountry(c, ctx) });
  c.header('Cache-Control', 'public, max-age=300');
  if (!currency) c.header('Vary', 'Accept-Language, CF-IPCountry');
  return c.json(presentPlans(plans), 200);
});
