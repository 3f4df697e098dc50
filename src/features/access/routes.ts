/** @module The publisher access flow: `GET /access` (a browser entry, HTML) and `POST /v1/access/exchange`. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv, PublisherEnv } from '../../app/env';
import { problem, toApiError } from '../../app/errors';
import { isId } from '../../db/ids';
import { meterApplies } from '../../domain/meter';
import { parseReturnTo, withPaywallParam } from '../../domain/redirects';
import { hasControlChars } from '../../domain/text';
import { rfc3339 } from '../../domain/time';
import { jsonBody, problemResponses, publicSecurity, publisherSecurity } from '../../http/openapi';
import { enforce } from '../limits';
import { meterWouldGrant } from '../meter';
import { showError, showFailure, showLogin, showSignup, showSubscribe } from '../pages';
import { getPublisher, requirePublisher } from '../publishers';
import { entitlementOfReader, optionalReader } from '../readers';
import { accessPath, exchangeAccessCode, issueAccessCode } from './codes';

// Printable text without control characters: an article id is echoed into pages and tokens.
const ArticleSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((value) => !hasControlChars(value, true), { error: 'Must be printable text' });

const accessRoute = createRoute({
  method: 'get',
  path: '/access',
  operationId: 'startAccess',
  security: publicSecurity,
  tags: ['Publishers'],
  summary:
    'Browser entry from an article page: back with a one-time code, or sign-up / sign-in / subscribe first',
  description:
    "Link the reader here from a paywalled article. `return_to` must be on one of the publisher's registered " +
    'origins (exact scheme, host and port), else the answer is a 400 page and no redirect. A signed-in, ' +
    'entitled reader is sent straight back (303) with `paywall_code` added to `return_to`; exchange it ' +
    'server-side at `POST /v1/access/exchange` within 60 seconds. Otherwise the sign-up page (or sign-in with ' +
    '`screen=signin`, or subscribe for a reader who is not entitled) comes first, then the same redirect. ' +
    'With `prompt=none` no page is shown: the reader comes back at once with `paywall_error=login_required` ' +
    'or `paywall_error=not_entitled` instead of a code (for a silent token refresh).',
  request: {
    query: z.object({
      publisher: z.string().max(64).openapi({ example: 'pub_abcdefghijklmnopqrst' }),
      return_to: z.string().max(2048).openapi({ example: 'https://news.example/2026/11/budget' }),
      article: ArticleSchema.optional().openapi({ example: '2026-11-27-budget' }),
      prompt: z.enum(['none']).optional(),
      screen: z.enum(['signup', 'signin']).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Sign-up, sign-in or subscribe page',
      content: { 'text/html': { schema: z.string() } },
    },
    303: { description: 'Back to `return_to` with `paywall_code` (or `paywall_error` under `prompt=none`)' },
    400: {
      description: 'Unknown publisher or a `return_to` outside its origins: a page, no redirect',
      content: { 'text/html': { schema: z.string() } },
    },
  },
});

const exchangeRoute = createRoute({
  method: 'post',
  path: '/v1/access/exchange',
  operationId: 'exchangeAccessCode',
  tags: ['Publishers'],
  summary: 'Exchange a one-time access code for an entitlement token',
  description:
    'Server-side, with the publisher key. A code works once, for its own publisher, for 60 seconds; a ' +
    'reused, expired, unknown or foreign code is refused with the same 400 `invalid_request` (and logged). ' +
    'The entitlement is checked again now: a reader who is no longer entitled gets 402 `not_entitled`.',
  security: publisherSecurity,
  middleware: [requirePublisher],
  request: {
    body: jsonBody(
      z
        .object({
          code: z.string().min(20).max(200).openapi({ description: 'The `paywall_code` of the redirect.' }),
          article: ArticleSchema.optional().openapi({
            description: 'When given, the code must have been issued for this article.',
          }),
        })
        .openapi('AccessCodeExchange'),
    ),
  },
  responses: {
    200: {
      description: 'The entitlement token, as `POST /v1/me/entitlement-token` gives it',
      content: {
        'application/json': {
          schema: z
            .object({
              token: z.string(),
              expires_at: z.string().openapi({ format: 'date-time' }),
              article: z.string().nullable(),
            })
            .openapi('ExchangedToken'),
        },
      },
    },
    ...problemResponses(400, 401, 402, 413, 415),
  },
});

type AccessContext = Context<AppEnv>;

function invalidLink(c: AccessContext): Promise<Response> {
  return showError(c, 400, {
    title: 'This link cannot be used',
    message:
      'The link that brought you here is not valid for the site it names, so we did not follow it. ' +
      'Go back to the article and try again.',
  });
}

// Behind the publisher key; its own sub-app because its context carries the authenticated publisher.
const exchangeRoutes = new OpenAPIHono<PublisherEnv>().openapi(exchangeRoute, async (c) => {
  const issued = await exchangeAccessCode({
    ctx: c.get('ctx'),
    principal: c.get('publisher'),
    input: c.req.valid('json'),
  });
  return c.json({ token: issued.token, expires_at: rfc3339(issued.expiresAt), article: issued.article }, 200);
});

export const accessRoutes = new OpenAPIHono<AppEnv>();

// `/access` fails as a page, the exchange as problem+json.
accessRoutes.onError((err, c) => {
  if (!c.req.path.startsWith('/v1/')) return showFailure(err, c);
  return problem(
    c,
    toApiError(err, (fields) => c.get('logger').error('unhandled error', fields)),
  );
});

accessRoutes
  .openapi(
    accessRoute,
    async (c) => {
      const query = c.req.valid('query');
      const ctx = c.get('ctx');
      await enforce(ctx, 'accessIp', ctx.clientAddress ?? 'unknown');
      const publisher = isId('publisher', query.publisher) ? await getPublisher(ctx, query.publisher) : null;
      const returnTo = publisher ? parseReturnTo(query.return_to, publisher.origins) : null;
      if (!publisher || !returnTo) return invalidLink(c);

      const next = accessPath({ publisher: publisher.id, returnTo: returnTo.href, article: query.article });
      const who = await optionalReader(c);
      if (who) {
        const entitlement = entitlementOfReader(who, ctx.now());
        // Without an entitlement, one article may still be free on the meter; the exchange counts it.
        const metered =
          !entitlement.entitled &&
          query.article !== undefined &&
          meterApplies(entitlement.reason) &&
          (await meterWouldGrant(ctx, {
            readerId: who.reader.id,
            publisherId: publisher.id,
            articleId: query.article,
          }));
        if (entitlement.entitled || metered) {
          const code = await issueAccessCode({
            ctx,
            principal: who,
            input: { publisherId: publisher.id, article: query.article },
          });
          return c.redirect(withPaywallParam(returnTo, 'paywall_code', code), 303);
        }
        if (query.prompt === 'none') {
          return c.redirect(withPaywallParam(returnTo, 'paywall_error', 'not_entitled'), 303);
        }
        return showSubscribe(c, who, { next, publisher });
      }
      if (query.prompt === 'none') {
        return c.redirect(withPaywallParam(returnTo, 'paywall_error', 'login_required'), 303);
      }
      const show = query.screen === 'signin' ? showLogin : showSignup;
      return show(c, { next, publisher });
    },
    (result, c) => {
      if (!result.success) return invalidLink(c);
    },
  )
  .route('/', exchangeRoutes);
