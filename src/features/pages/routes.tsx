/**
 * @module Reader-facing HTML pages (hono/jsx): landing, sign-up, sign-in, sign-out, account,
 * subscribe, the checkout return pages and password reset. Forms post here and work without JavaScript; each
 * POST passes the CSRF checks of `./auth` before anything changes.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../app/env';
import { ApiError } from '../../app/errors';
import { isId } from '../../db/ids';
import { toMembership } from '../../db/memberships';
import { readerEntitlement } from '../../domain/membership';
import { clearSessionCookie, csrfToken, csrfValid, optionalReader, setSessionCookie } from '../../http/auth';
import { parseNext, parseReturnTo } from '../access/codes';
import { confirmPasswordReset, requestPasswordReset } from '../account/password-reset';
import { openBillingPortal, startCheckout } from '../billing/checkout';
import { getPublisher, type PublisherRow } from '../publishers/keys';
import { type Authenticated, endSession } from '../readers/sessions';
import { signIn, signUp } from '../readers/sign-in';
import {
  credentialErrors,
  emailError,
  formLimit,
  formStrings,
  keepHeaders,
  newPasswordError,
  submitted,
} from './forms';
import { renderPage } from './render';
import {
  hasSubscription,
  publisherOfNext,
  showAccount,
  showError,
  showFailure,
  showForbiddenForm,
  showLogin,
  showSignup,
  showSubscribe,
} from './screens';
import { SignOutView } from './views/auth';
import type { FormErrors } from './views/form';
import { CheckoutCancelView, CheckoutSuccessView } from './views/membership';
import { ResetConfirmView, ResetDoneView, ResetRequestView, ResetSentView } from './views/reset';
import { LandingView } from './views/site';

/** How long the checkout success page waits for Stripe's webhook before answering anyway. */
const SUCCESS_WAIT_MS = 8000;
const SUCCESS_POLL_MS = 400;

type PageContext = Context<AppEnv>;

const nextOf = (c: PageContext, raw: string | undefined) => parseNext(raw, c.get('ctx').config.publicUrl);

function loginFor(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`;
}

function withNext(path: string, next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

/** A publisher page that a sign-out may return to: only the publisher's registered origins. */
async function publisherReturn(
  c: PageContext,
  publisherId: string | undefined,
  returnTo: string | undefined,
): Promise<{ publisher: PublisherRow; url: URL } | null> {
  if (!publisherId || !returnTo || !isId('publisher', publisherId)) return null;
  const publisher = await getPublisher(c.get('ctx'), publisherId);
  const url = publisher ? parseReturnTo(returnTo, publisher.origins) : null;
  return publisher && url ? { publisher, url } : null;
}

/** Waits (briefly) for the reader to become entitled: Stripe's webhook follows the redirect closely. */
async function entitledSoon(c: PageContext, who: Authenticated): Promise<Authenticated> {
  const deadline = Date.now() + SUCCESS_WAIT_MS;
  let current = who;
  for (;;) {
    const membership = toMembership(current.membershipRow);
    if (readerEntitlement(current.reader, membership, c.get('ctx').now()).entitled) return current;
    if (Date.now() >= deadline) return current;
    await new Promise((resolve) => setTimeout(resolve, SUCCESS_POLL_MS));
    current = (await optionalReader(c, true)) ?? current;
  }
}

export const pageRoutes = new OpenAPIHono<AppEnv>();

// Errors of page routes are pages too, never problem+json.
pageRoutes.onError(showFailure);

pageRoutes.get('/', async (c) => {
  const who = await optionalReader(c);
  return renderPage(c, <LandingView signedIn={who !== null} trialDays={c.get('ctx').config.trialDays} />);
});

pageRoutes.get('/signup', async (c) => {
  const next = nextOf(c, c.req.query('next'));
  if (await optionalReader(c)) return c.redirect(next ?? '/account', 303);
  return showSignup(c, { next, publisher: await publisherOfNext(c, next) });
});

pageRoutes.post('/signup', formLimit, async (c) => {
  const form = await submitted(c, 'signup');
  if (form instanceof Response) return form;
  const next = nextOf(c, form.fields.next);
  const email = (form.fields.email ?? '').trim();
  const password = form.fields.password ?? '';
  const screen = { next, publisher: await publisherOfNext(c, next), email };
  const errors = credentialErrors(email, password, true);
  if (errors) return showSignup(c, { ...screen, errors, status: 400 });
  try {
    const result = await signUp({ ctx: c.get('ctx'), input: { email, password } });
    setSessionCookie(c, result.sessionToken);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500) throw err;
    keepHeaders(c, err);
    const message =
      err.code === 'email_taken' ? 'An account with this email already exists: sign in instead' : err.detail;
    return showSignup(c, { ...screen, errors: { email: message }, status: err.status });
  }
  return c.redirect(next ?? '/account', 303);
});

pageRoutes.get('/login', async (c) => {
  const next = nextOf(c, c.req.query('next'));
  if (await optionalReader(c)) return c.redirect(next ?? '/account', 303);
  return showLogin(c, { next, publisher: await publisherOfNext(c, next) });
});

pageRoutes.post('/login', formLimit, async (c) => {
  const form = await submitted(c, 'login');
  if (form instanceof Response) return form;
  const next = nextOf(c, form.fields.next);
  const email = (form.fields.email ?? '').trim();
  const password = form.fields.password ?? '';
  const screen = { next, publisher: await publisherOfNext(c, next), email };
  const errors = credentialErrors(email, password, false);
  if (errors) return showLogin(c, { ...screen, errors, status: 400 });
  try {
    const result = await signIn({ ctx: c.get('ctx'), input: { email, password } });
    setSessionCookie(c, result.sessionToken);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500) throw err;
    keepHeaders(c, err);
    const message = err.code === 'unauthenticated' ? 'The email or password is incorrect' : err.detail;
    return showLogin(c, { ...screen, errors: { password: message }, status: err.status });
  }
  return c.redirect(next ?? '/account', 303);
});

// A publisher's "sign out" lands here; signing out changes state, so it asks for a click.
pageRoutes.get('/logout', async (c) => {
  const who = await optionalReader(c);
  const publisherId = c.req.query('publisher');
  if (publisherId === undefined) return c.redirect(who ? '/account' : '/', 303);
  const target = await publisherReturn(c, publisherId, c.req.query('return_to'));
  if (!target) {
    return showError(c, 400, {
      title: 'This link cannot be used',
      message: 'The sign-out link that brought you here is not valid, so we did not follow it.',
    });
  }
  if (!who) return c.redirect(target.url.href, 303);
  return renderPage(
    c,
    <SignOutView
      csrf={await csrfToken(c, 'logout', who.sessionId)}
      from={{ name: target.publisher.name }}
      publisherId={target.publisher.id}
      returnTo={target.url.href}
    />,
    { formTargets: target.publisher.origins },
  );
});

pageRoutes.post('/logout', formLimit, async (c) => {
  const signedIn = await optionalReader(c);
  // Without a session there is nothing to protect: clearing a stale cookie is harmless.
  const form = signedIn ? await submitted(c, 'logout') : { fields: await formStrings(c), who: null };
  if (form instanceof Response) return form;
  if (form.who) await endSession(c.get('ctx'), form.who.sessionId);
  clearSessionCookie(c);
  const target = await publisherReturn(c, form.fields.publisher, form.fields.return_to);
  return c.redirect(target?.url.href ?? '/', 303);
});

pageRoutes.get('/account', async (c) => {
  const who = await optionalReader(c);
  if (!who) return c.redirect(loginFor('/account'), 303);
  return showAccount(c, who);
});

pageRoutes.post('/account/billing-portal', formLimit, async (c) => {
  const form = await submitted(c, 'billing-portal');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  try {
    const portal = await openBillingPortal(c.get('ctx'), form.who, {
      returnUrl: `${c.get('ctx').config.publicUrl}/account`,
    });
    return c.redirect(portal.url, 303);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const error =
      err.code === 'unavailable'
        ? 'Billing is not available right now. Please try again in a moment.'
        : err.detail;
    return showAccount(c, form.who, { error, status: err.status });
  }
});

pageRoutes.get('/subscribe', async (c) => {
  const next = nextOf(c, c.req.query('next'));
  const who = await optionalReader(c);
  if (!who) return c.redirect(loginFor(withNext('/subscribe', next)), 303);
  return showSubscribe(c, who, { next, publisher: await publisherOfNext(c, next) });
});

pageRoutes.post('/subscribe', formLimit, async (c) => {
  const form = await submitted(c, 'subscribe');
  if (form instanceof Response) return form;
  const next = nextOf(c, form.fields.next);
  if (!form.who) return c.redirect(loginFor(withNext('/subscribe', next)), 303);
  const publisher = await publisherOfNext(c, next);
  const plan = form.fields.plan;
  if (plan !== 'monthly' && plan !== 'annual') {
    return showSubscribe(c, form.who, {
      next,
      publisher,
      errors: { 'plan-monthly': 'Choose a plan' },
      status: 400,
    });
  }
  const base = c.get('ctx').config.publicUrl;
  try {
    const checkout = await startCheckout(c.get('ctx'), form.who, {
      plan,
      successUrl: `${base}${withNext('/subscribe/success', next)}`,
      cancelUrl: `${base}${withNext('/subscribe/cancel', next)}`,
    });
    return c.redirect(checkout.url, 303);
  } catch (err) {
    if (!(err instanceof ApiError) || err.code === 'internal') throw err;
    const message =
      err.code === 'unavailable'
        ? 'Payments are not available right now. Please try again in a moment.'
        : err.detail;
    return showSubscribe(c, form.who, {
      next,
      publisher,
      plan,
      errors: { form: message },
      status: err.status,
    });
  }
});

pageRoutes.get('/subscribe/success', async (c) => {
  const next = nextOf(c, c.req.query('next'));
  const who = await optionalReader(c);
  if (!who) {
    return renderPage(
      c,
      <CheckoutSuccessView
        active={false}
        continueHref={loginFor(next ?? '/account')}
        continueLabel="Sign in"
      />,
    );
  }
  const now = await entitledSoon(c, who);
  const entitled = readerEntitlement(
    now.reader,
    toMembership(now.membershipRow),
    c.get('ctx').now(),
  ).entitled;
  // Back to the article through /access, which hands the publisher a fresh code.
  if (entitled && next) return c.redirect(next, 303);
  return renderPage(
    c,
    <CheckoutSuccessView
      active={hasSubscription(now)}
      continueHref={next ?? '/account'}
      continueLabel={next ? 'Continue reading' : 'Go to your account'}
    />,
  );
});

pageRoutes.get('/subscribe/cancel', async (c) => {
  const next = nextOf(c, c.req.query('next'));
  const publisher = await publisherOfNext(c, next);
  // `prompt=none` takes the reader straight back to the article, without a subscribe page on the way.
  const back = publisher && next ? { href: `${next}&prompt=none`, label: `Back to ${publisher.name}` } : null;
  return renderPage(
    c,
    <CheckoutCancelView
      subscribeHref={withNext('/subscribe', next)}
      backHref={back?.href ?? '/account'}
      backLabel={back?.label ?? 'Your account'}
    />,
  );
});

// Reset links are mailed as `/reset-password?token=…` (see src/services/password-reset.ts).
pageRoutes.get('/reset-password', async (c) => {
  const token = c.req.query('token');
  if (token !== undefined) {
    return renderPage(c, <ResetConfirmView csrf={await csrfToken(c, 'reset-confirm', null)} token={token} />);
  }
  const who = await optionalReader(c);
  const csrf = await csrfToken(c, 'reset-request', who?.sessionId ?? null);
  return renderPage(c, <ResetRequestView csrf={csrf} signedIn={who !== null} />);
});

pageRoutes.post('/reset-password', formLimit, async (c) => {
  const form = await submitted(c, 'reset-request');
  if (form instanceof Response) return form;
  const email = (form.fields.email ?? '').trim();
  const signedIn = form.who !== null;
  const error = emailError(email);
  const again = async (message: string, status: ContentfulStatusCode) => {
    const csrf = await csrfToken(c, 'reset-request', form.who?.sessionId ?? null);
    const view = (
      <ResetRequestView csrf={csrf} signedIn={signedIn} email={email} errors={{ email: message }} />
    );
    return renderPage(c, view, { status });
  };
  if (error) return again(error, 400);
  try {
    await requestPasswordReset({ ctx: c.get('ctx'), input: { email } });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500) throw err;
    keepHeaders(c, err);
    return again(err.detail, err.status);
  }
  return renderPage(c, <ResetSentView signedIn={signedIn} />);
});

pageRoutes.post('/reset-password/confirm', formLimit, async (c) => {
  // The link proves who the reader is; a session is neither needed nor bound into the token.
  const fields = await formStrings(c);
  if (!(await csrfValid(c, 'reset-confirm', fields.csrf, null))) {
    c.get('logger').warn('form refused by CSRF checks', { action: 'reset-confirm' });
    return showForbiddenForm(c);
  }
  const token = fields.token ?? '';
  const password = fields.password ?? '';
  const again = async (errors: FormErrors, status: ContentfulStatusCode) => {
    const csrf = await csrfToken(c, 'reset-confirm', null);
    return renderPage(c, <ResetConfirmView csrf={csrf} token={token} errors={errors} />, { status });
  };
  const error = newPasswordError(password);
  if (error) return again({ password: error }, 400);
  try {
    await confirmPasswordReset({ ctx: c.get('ctx'), input: { token, password } });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500) throw err;
    return again({ form: err.detail }, err.status);
  }
  // Every session of the reader has ended; the cookie of this browser may be one of them.
  clearSessionCookie(c);
  return renderPage(c, <ResetDoneView />);
});
