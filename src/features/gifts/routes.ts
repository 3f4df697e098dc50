/** @module Gifts API: buy one (a one-time Checkout payment), list what you bought, look a link up, redeem it. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv, ReaderEnv } from '../../app/env';
import { GIFT_MONTHS, type GiftMonths } from '../../domain/gifts';
import { jsonBody, problemResponses, publicSecurity, readerSecurity } from '../../http/openapi';
import { requireReader } from '../readers';
import { buyGift, listBoughtGifts } from './buy';
import { previewGift, redeemGift } from './redeem';

const GiftSchema = z
  .object({
    id: z.string().openapi({ example: 'gft_abcdefghijklmnopqrst' }),
    months: z.number().int().openapi({ example: 3 }),
    recipient_email: z.string(),
    status: z.enum(['pending', 'paid', 'redeemed', 'void']),
    amount: z.number().int().openapi({ description: "In the currency's minor unit", example: 2697 }),
    currency: z.string().openapi({ example: 'eur' }),
    redeem_url: z.string().nullable().openapi({ description: 'The link to pass on, once paid' }),
    ends_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('Gift');

const buyRoute = createRoute({
  method: 'post',
  path: '/v1/gifts',
  operationId: 'buyGift',
  tags: ['Gifts'],
  summary: 'Buy 1, 3 or 12 months of OnePass for someone',
  description:
    'Opens a one-time (payment-mode) Checkout Session: months at the monthly price, a year at the annual price, in ' +
    '`currency` (one of `GET /v1/plans` currencies). When Stripe reports it paid, the buyer and the recipient are ' +
    'mailed the redemption link, which `GET /v1/gifts` also shows. A refund before redemption voids the gift.',
  security: readerSecurity,
  middleware: [requireReader],
  request: {
    body: jsonBody(
      z
        .object({
          months: z.union(
            GIFT_MONTHS.map((m) => z.literal(m)) as [z.ZodLiteral<1>, z.ZodLiteral<3>, z.ZodLiteral<12>],
          ),
          recipient_email: z.email().max(254),
          recipient_name: z.string().trim().min(1).max(100).optional(),
          message: z.string().trim().min(1).max(500).optional(),
          currency: z
            .string()
            .regex(/^[A-Za-z]{3}$/)
            .optional(),
        })
        .openapi('BuyGiftRequest'),
    ),
  },
  responses: {
    200: {
      description: 'The Checkout Session URL',
      content: { 'application/json': { schema: z.object({ id: z.string(), url: z.string() }) } },
    },
    ...problemResponses(400, 401, 409, 415, 503),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/gifts',
  operationId: 'listGifts',
  tags: ['Gifts'],
  summary: 'The gifts you bought, newest first (at most 100)',
  security: readerSecurity,
  middleware: [requireReader],
  responses: {
    200: {
      description: 'Gifts',
      content: { 'application/json': { schema: z.object({ data: z.array(GiftSchema) }) } },
    },
    ...problemResponses(401),
  },
});

const TokenParam = z.string().min(1).max(100).openapi({ description: 'The token of the gift link' });

const previewRoute = createRoute({
  method: 'get',
  path: '/v1/gifts/redeem/{token}',
  operationId: 'previewGift',
  tags: ['Gifts'],
  summary: 'What a gift link offers',
  security: publicSecurity,
  request: { params: z.object({ token: TokenParam }) },
  responses: {
    200: {
      description: 'The gift',
      content: {
        'application/json': {
          schema: z
            .object({
              months: z.number().int(),
              status: z.enum(['pending', 'paid', 'redeemed', 'void']),
              recipient_name: z.string().nullable(),
              message: z.string().nullable(),
              from: z.string(),
            })
            .openapi('GiftPreview'),
        },
      },
    },
    ...problemResponses(400, 404),
  },
});

const redeemRoute = createRoute({
  method: 'post',
  path: '/v1/gifts/redeem',
  operationId: 'redeemGift',
  tags: ['Gifts'],
  summary: 'Redeem a gift link for your account',
  description:
    'Anyone signed in with the link may redeem it, once: the membership becomes a gift (token claim ' +
    '`membership: "gift"`) until its months after what the reader already has (a running trial or gift). 409 when ' +
    'the gift is not paid, already redeemed or refunded, or while the reader pays a subscription.',
  security: readerSecurity,
  middleware: [requireReader],
  request: { body: jsonBody(z.object({ token: TokenParam }).openapi('RedeemGiftRequest')) },
  responses: {
    200: {
      description: 'Redeemed',
      content: { 'application/json': { schema: z.object({ ends_at: z.string() }) } },
    },
    ...problemResponses(400, 401, 404, 409, 415),
  },
});

const readerGiftRoutes = new OpenAPIHono<ReaderEnv>()
  .openapi(buyRoute, async (c) => {
    const body = c.req.valid('json');
    const result = await buyGift({
      ctx: c.get('ctx'),
      principal: { ...c.get('reader'), requestId: c.get('requestId') },
      input: {
        months: body.months as GiftMonths,
        recipientEmail: body.recipient_email,
        recipientName: body.recipient_name,
        message: body.message,
        currency: body.currency,
      },
    });
    return c.json(result, 200);
  })
  .openapi(listRoute, async (c) => {
    const list = await listBoughtGifts({ ctx: c.get('ctx'), principal: c.get('reader'), input: undefined });
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        data: list.map((g) => ({
          id: g.id,
          months: g.months,
          recipient_email: g.recipientEmail,
          status: g.status as 'pending' | 'paid' | 'redeemed' | 'void',
          amount: g.amount,
          currency: g.currency,
          redeem_url: g.redeemUrl,
          ends_at: g.endsAt?.toISOString() ?? null,
          created_at: g.createdAt.toISOString(),
        })),
      },
      200,
    );
  })
  .openapi(redeemRoute, async (c) => {
    const { endsAt } = await redeemGift({
      ctx: c.get('ctx'),
      principal: { ...c.get('reader'), requestId: c.get('requestId') },
      input: { token: c.req.valid('json').token },
    });
    return c.json({ ends_at: endsAt.toISOString() }, 200);
  });

const publicGiftRoutes = new OpenAPIHono<AppEnv>().openapi(previewRoute, async (c) => {
  const gift = await previewGift({ ctx: c.get('ctx'), input: { token: c.req.valid('param').token } });
  c.header('Cache-Control', 'no-store');
  return c.json(
    {
      months: gift.months,
      status: gift.status,
      recipient_name: gift.recipientName,
      message: gift.message,
      from: gift.from,
    },
    200,
  );
});

export const giftRoutes = new OpenAPIHono<AppEnv>().route('/', publicGiftRoutes).route('/', readerGiftRoutes);
