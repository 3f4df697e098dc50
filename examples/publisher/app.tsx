/**
 * @module The demo publisher site (a small Hono app): a front page, articles behind the OnePass
 * paywall, and the reference integration: `/access` links, the code exchange on return, the token
 * in a first-party cookie verified offline by the SDK, and a silent refresh when it expires.
 */
import { type EntitlementVariables, entitlement } from '@onepass/verify/hono';
import { Hono, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { ARTICLES, articleBySlug } from './articles';
import { createOnePass, type OnePassOptions } from './onepass';
import { statementRoutes } from './statement';
import { ArticlePage, FrontPage, NotFoundPage, type ReaderState, STYLES } from './views';
import { type WebhookOptions, webhookReceiver } from './webhooks';

/** The entitlement token; the cookie outlives the token so that an expired one means "refresh". */
const TOKEN_COOKIE = 'onepass_token';
/** Set when OnePass said the reader is no longer entitled: the paywall then offers to subscribe. */
const LAPSED_COOKIE = 'onepass_lapsed';
/** When the last silent refresh was tried: at most one per minute, so a failure cannot loop. */
const REFRESHED_COOKIE = 'onepass_refreshed';
/** The article a token for was last asked silently: once per article and minute, so a refusal cannot loop. */
const ASKED_COOKIE = 'onepass_asked';
const DAY_SECONDS = 86_400;

type Env = { Variables: EntitlementVariables };

export type PublisherAppOptions = OnePassOptions & WebhookOptions;

function cookieOptions(url: URL, maxAge: number) {
  return { path: '/', httpOnly: true, sameSite: 'Lax' as const, secure: url.protocol === 'https:', maxAge };
}

/** The page's own URL without the parameters OnePass adds, for redirects and `return_to`. */
function cleanUrl(url: URL): URL {
  const clean = new URL(url.href);
  clean.searchParams.delete('paywall_code');
  clean.searchParams.delete('paywall_error');
  if (clean.search === '?') clean.search = '';
  return clean;
}

export function createPublisherApp(options: PublisherAppOptions): Hono<Env> {
  const onepass = createOnePass(options);
  const now = options.now ?? Date.now;
  const onepassOrigin = new URL(options.onepassUrl).origin;
  const app = new Hono<Env>();
  const webhooks = webhookReceiver(options, {
    token: TOKEN_COOKIE,
    lapsed: LAPSED_COOKIE,
    lapsedMaxAge: 30 * DAY_SECONDS,
  });

  app.use('*', async (c, next) => {
    await next();
    c.header(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'self'; img-src data:; form-action 'self' ${onepassOrigin}; frame-ancestors 'none'; base-uri 'none'`,
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
  });

  // Back from OnePass: a one-time code to exchange server-side, or the reason there is none.
  const returnFromOnePass: MiddlewareHandler<Env> = async (c, next) => {
    const url = new URL(c.req.url);
    const code = url.searchParams.get('paywall_code');
    const error = url.searchParams.get('paywall_error');
    if (code === null && error === null) return next();
    if (code !== null) {
      const result = await onepass.exchange(code);
      if (result.kind === 'token') {
        setCookie(c, TOKEN_COOKIE, result.token, cookieOptions(url, 30 * DAY_SECONDS));
        deleteCookie(c, LAPSED_COOKIE, { path: '/' });
      } else if (result.kind === 'not_entitled') {
        deleteCookie(c, TOKEN_COOKIE, { path: '/' });
        setCookie(c, LAPSED_COOKIE, '1', cookieOptions(url, 30 * DAY_SECONDS));
      }
    } else {
      deleteCookie(c, TOKEN_COOKIE, { path: '/' });
      if (error === 'not_entitled') setCookie(c, LAPSED_COOKIE, '1', cookieOptions(url, 30 * DAY_SECONDS));
    }
    // The code must not linger in the address bar, the history or a Referer.
    return c.redirect(cleanUrl(url).href, 303);
  };

  // An expired token: ask OnePass again without showing anything (`prompt=none`). An entitled
  // reader comes straight back with a new code; anyone else comes back with a `paywall_error`.
  const refreshExpired: MiddlewareHandler<Env> = async (c, next) => {
    if (c.var.entitlementError?.code !== 'expired') {
      if (c.var.entitlementError) deleteCookie(c, TOKEN_COOKIE, { path: '/' });
      return next();
    }
    const url = new URL(c.req.url);
    const last = Number(getCookie(c, REFRESHED_COOKIE) ?? 0);
    const seconds = Math.floor(now() / 1000);
    if (seconds - last < 60) {
      deleteCookie(c, TOKEN_COOKIE, { path: '/' });
      return next();
    }
    setCookie(c, REFRESHED_COOKIE, String(seconds), cookieOptions(url, 60));
    return c.redirect(onepass.accessUrl(cleanUrl(url).href, { prompt: 'none' }), 303);
  };

  function readerState(url: URL, entitled: boolean): ReaderState {
    return {
      entitled,
      signInUrl: onepass.accessUrl(url.href, { screen: 'signin' }),
      here: `${url.pathname}${url.search}`,
    };
  }

  app.get('/styles.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(STYLES, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
  // OnePass's webhooks (signed; no reader cookie involved): before the reader middleware below.
  app.route('/', webhooks.routes);

  app.use('*', returnFromOnePass);
  app.use('*', entitlement({ verifier: onepass.verifier, cookieName: TOKEN_COOKIE }));
  app.use('*', webhooks.endedSessions);
  app.use('*', refreshExpired);
  app.use('*', async (c, next) => {
    await next();
    // What a page shows depends on the reader's token: never from a shared cache.
    c.header('Cache-Control', 'private, no-store');
    c.header('Vary', 'Cookie');
  });

  app.get('/', (c) => {
    const url = new URL(c.req.url);
    return c.html(<FrontPage articles={ARTICLES} reader={readerState(url, c.var.entitlement !== null)} />);
  });

  app.get('/articles/:slug', (c) => {
    const url = new URL(c.req.url);
    const reader = readerState(url, c.var.entitlement !== null);
    const article = articleBySlug(c.req.param('slug'));
    if (!article) return c.html(<NotFoundPage reader={reader} />, 404);
    const token = getCookie(c, TOKEN_COOKIE);
    const claims = c.var.entitlement;
    // A token bound to another article (a metered one, say) does not open this one: ask OnePass
    // for this article without showing anything. A reader with free articles left, or a member,
    // comes straight back with a token for it; anyone else comes back with a `paywall_error`.
    if (claims?.article !== undefined && claims.article !== article.slug) {
      if (getCookie(c, ASKED_COOKIE) !== article.slug) {
        setCookie(c, ASKED_COOKIE, article.slug, cookieOptions(url, 60));
        return c.redirect(
          onepass.accessUrl(cleanUrl(url).href, { prompt: 'none', article: article.slug }),
          303,
        );
      }
    }
    const covered = claims !== null && (claims.article === undefined || claims.article === article.slug);
    if (covered && token) {
      // The full text is shown: report the read (after the answer, so the page never waits for it).
      const read = onepass.reportRead(token, { id: article.slug, title: article.headline, url: url.href });
      try {
        c.executionCtx.waitUntil(read);
      } catch {
        // Node: the report runs on by itself.
      }
    }
    return c.html(
      <ArticlePage
        article={article}
        url={url.href}
        reader={{ ...reader, entitled: covered }}
        meter={covered && claims?.meter ? claims.meter : null}
        lapsed={getCookie(c, LAPSED_COOKIE) === '1'}
        accessUrl={onepass.accessUrl(url.href, { article: article.slug })}
      />,
    );
  });

  // Signing out here drops this site's token, then lets OnePass end its session and send the reader back.
  app.post('/signout', async (c) => {
    const url = new URL(c.req.url);
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== url.origin) return c.text('Cross-site request refused.', 403);
    const body = await c.req.parseBody();
    const path = typeof body.return_to === 'string' ? body.return_to : '/';
    // Only a path on this site: never an open redirect.
    const back = new URL(
      path.startsWith('/') && !path.startsWith('//') && !path.includes('\\') ? path : '/',
      url,
    );
    deleteCookie(c, TOKEN_COOKIE, { path: '/' });
    deleteCookie(c, LAPSED_COOKIE, { path: '/' });
    return c.redirect(onepass.logoutUrl(back.href), 303);
  });

  app.route('/', statementRoutes(options));

  app.notFound((c) => c.html(<NotFoundPage reader={readerState(new URL(c.req.url), false)} />, 404));
  return app;
}
