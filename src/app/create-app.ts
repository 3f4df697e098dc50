/**
 * @module createApp: middleware, error handling, routes and the OpenAPI document — the same app
 * behind both doors (Workers and Node) and in every test.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { newId } from '../db/ids';
import { accessRoutes } from '../features/access/routes';
import { accountRoutes } from '../features/account/routes';
import { adminGate } from '../features/admin';
import { adminRoutes } from '../features/admin/routes';
import { auditRoutes } from '../features/audit/routes';
import { billingRoutes } from '../features/billing/routes';
import { consoleApiRoutes, consoleRoutes } from '../features/console';
import { docsRoutes } from '../features/docs/routes';
import { giftPages, giftRoutes } from '../features/gifts';
import { importRoutes } from '../features/imports';
import { ledgerRoutes } from '../features/ledger';
import { memberRoutes } from '../features/members/routes';
import { showError, showFailure } from '../features/pages';
import { pageRoutes } from '../features/pages/routes';
import { passkeyRoutes } from '../features/passkeys/routes';
import { publisherStatementRoutes } from '../features/payouts/publisher-routes';
import { payoutRoutes } from '../features/payouts/routes';
import { publisherKeyRoutes, titlesRoutes } from '../features/publishers';
import { publisherAdminRoutes } from '../features/publishers/admin-routes';
import { publisherRoutes } from '../features/publishers/routes';
import { readerRoutes } from '../features/readers/routes';
import { readRoutes } from '../features/reads/routes';
import { seatPages, seatRoutes } from '../features/seats';
import { tokenRoutes } from '../features/tokens/routes';
import { webhookRoutes } from '../features/webhooks';
import { JSON_BODY_LIMIT, limitBody, WEBHOOK_BODY_LIMIT } from '../http/body-limit';
import { clientIpOf } from '../http/client-ip';
import { prefersHtml } from '../http/negotiation';
import { securityHeaders } from '../http/security-headers';
import { ConfigError } from './config';
import type { AppContext } from './context';
import type { AppEnv } from './env';
import { ApiError, invalidRequest, problem, toApiError, zodFieldErrors } from './errors';
import type { Logger } from './logger';

/**
 * Builds the context for a request: the Workers door from bindings, the Node door once (and hands
 * it over as it is: an `await` of a ready value still costs every request a turn of the queue).
 */
export type ContextResolver = (c: Context<AppEnv>) => AppContext | Promise<AppContext>;

/** Runs a task after the answer: under `waitUntil` where the runtime has an execution context. */
function deferOf(c: Context<AppEnv>, logger: Logger): NonNullable<AppContext['defer']> {
  // Returned as it is, not bound to a name first: a named function made per request costs a
  // property definition in builds that keep names (tsx, esbuild's keepNames).
  return (task) => {
    const running = task().catch((err: unknown) =>
      logger.error('deferred task failed', { error: String(err) }),
    );
    try {
      c.executionCtx.waitUntil(running);
    } catch {
      // Node and in-process tests have no execution context: the promise runs on by itself.
    }
  };
}

export function createApp(resolveContext: ContextResolver): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return problem(c, invalidRequest(zodFieldErrors(result.error)));
    },
  });

  const webhookLimit = limitBody(WEBHOOK_BODY_LIMIT);
  const jsonLimit = limitBody(JSON_BODY_LIMIT);
  /**
   * The rest of the request: on `/v1/` under the API's body limits (webhooks 1 MiB, the rest
   * 64 KiB), elsewhere as it comes. Called from the one middleware every route runs rather than as
   * a middleware of its own: each layer of Hono's chain costs every request a dispatch and a promise.
   */
  const within = async (c: Context<AppEnv>, next: () => Promise<void>): Promise<void> => {
    const path = c.req.path;
    if (!path.startsWith('/v1/')) return next();
    const refused = await (path.startsWith('/v1/webhooks/') ? webhookLimit : jsonLimit)(c, next);
    if (refused instanceof Response) c.res = refused;
  };

  app.use('*', async (c, next) => {
    const requestId = newId('request');
    c.set('requestId', requestId);
    const started = Date.now();
    let ctx: AppContext;
    try {
      const resolved = resolveContext(c);
      ctx = resolved instanceof Promise ? await resolved : resolved;
    } catch (err) {
      // A broken configuration is the operator's to fix: say which variable in the log, not to the client.
      console.error(
        JSON.stringify({
          level: 'error',
          msg: err instanceof ConfigError ? `configuration refused: ${err.message}` : 'context unavailable',
          request_id: requestId,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
      c.res = prefersHtml(c)
        ? await showError(c, 503, {
            signedIn: false,
            title: 'Something went wrong',
            message: 'The service is not available right now. Please try again in a moment.',
          })
        : problem(c, new ApiError('unavailable', 'The service is not available right now.'));
      c.res.headers.set('X-Request-Id', requestId);
      return;
    }
    const logger = ctx.logger.child({ request_id: requestId });
    const userAgent = c.req.header('user-agent')?.slice(0, 200);
    c.set('ctx', {
      ...ctx,
      logger,
      clientAddress: clientIpOf(ctx, c),
      defer: deferOf(c, logger),
      ...(userAgent ? { userAgent } : {}),
    });
    c.set('logger', logger);
    c.set('publicUrl', ctx.config.publicUrl);
    await within(c, next);
    securityHeaders(c, requestId);
    logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Date.now() - started,
    });
  });

  app.use('/v1/admin/*', adminGate);

  // One sub-app per feature, each holding every route of its feature, whatever the path prefix.
  app
    .route('/', tokenRoutes)
    .route('/', readerRoutes)
    .route('/', passkeyRoutes)
    .route('/', accountRoutes)
    .route('/', billingRoutes)
    .route('/', giftRoutes)
    .route('/', seatRoutes)
    .route('/', accessRoutes)
    .route('/', readRoutes)
    .route('/', publisherRoutes)
    .route('/', webhookRoutes)
    .route('/', publisherKeyRoutes)
    .route('/', titlesRoutes)
    .route('/', publisherAdminRoutes)
    .route('/', memberRoutes)
    .route('/', payoutRoutes)
    .route('/', publisherStatementRoutes)
    .route('/', adminRoutes)
    .route('/', ledgerRoutes)
    .route('/', consoleApiRoutes)
    .route('/', importRoutes)
    .route('/', auditRoutes)
    .route('/', giftPages)
    .route('/', seatPages)
    .route('/', pageRoutes)
    .route('/', consoleRoutes)
    .route('/', docsRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'http',
    scheme: 'bearer',
    description: 'A reader session token from POST /v1/readers or POST /v1/sessions.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-onepass_session',
    description: 'The session cookie set at sign-up and sign-in (`onepass_session` in development).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An admin API key (ADMIN_API_KEY, or one created through the admin API).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'publisherKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A publisher API key (`ppk_live_…` / `ppk_test_…`) from POST /v1/admin/publishers.',
  });
  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'OnePass paywall API',
      version: '0.1.0',
      description:
        'One membership, many publishers: sign-up, free trials, entitlement tokens and the admin API.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: c.get('ctx').config.publicUrl, description: 'This service' }],
    tags: [
      {
        name: 'Readers',
        description:
          "A reader's account: sign-up, sessions, password resets, the entitlement token, export and deletion.",
      },
      { name: 'Billing', description: "A reader's subscription: Stripe Checkout and the billing portal." },
      {
        name: 'Publishers',
        description:
          'What publisher sites call with their API key (and the browser access flow they send readers through).',
      },
      { name: 'Discovery', description: 'Public documents to verify entitlement tokens with, and liveness.' },
      {
        name: 'Gifts',
        description: 'Months of OnePass bought for someone with a one-time payment, redeemed by a link.',
      },
      {
        name: 'Seats',
        description:
          'Family and group plans: the people an owner’s subscription also covers, invited by email (SEAT_LIMIT).',
      },
      { name: 'Stripe', description: "Stripe's webhook deliveries, accepted only with a valid signature." },
      {
        name: 'Admin',
        description: "The operator's API, under an admin key (`support` keys may only read).",
      },
    ],
  }));

  // A browser gets a page, every other client problem+json.
  app.notFound((c) =>
    prefersHtml(c)
      ? showError(c, 404, {
          title: 'Page not found',
          message: 'There is no page at this address. Check the link, or start again from the home page.',
        })
      : problem(c, new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}.`)),
  );
  app.onError((err, c) => {
    if (prefersHtml(c)) return showFailure(err, c);
    const logger = c.get('logger');
    const apiError = toApiError(err, (fields) =>
      logger ? logger.error('unhandled error', fields) : console.error(JSON.stringify(fields)),
    );
    const res = problem(c, apiError);
    return res;
  });

  return app;
}
