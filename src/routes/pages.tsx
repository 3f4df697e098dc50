/**
 * @module Reader-facing HTML pages (hono/jsx): landing, sign-up, sign-in, sign-out, account,
 * subscribe and the checkout return pages. Forms post here and work without JavaScript; each
 * POST passes the CSRF checks of `./auth` before anything changes.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app-env';
import { isId } from '../db/ids';
import { isPlausibleEmail } from '../domain/email';
import { readerEntitlement } from '../domain/membership';
import { ApiError } from '../errors';
import { ResetPasswordView, SignOutView } from '../pages/auth';
import type { FormErrors } from '../pages/form';
import { CheckoutCancelView, CheckoutSuccessView } from '../pages/membership';
import { renderPage } from '../pages/respond';
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
} from '../pages/screens';
import { LandingView } from '../pages/site';
import { parseNext, parseReturnTo } from '../services/access';
import { openBillingPortal, startCheckout } from '../services/billing';
import { toMembership } from '../services/memberships';
import { getPublisher, type PublisherRow } from '../services/publishers';
import { signIn, signUp } from '../services/readers';
import { type Authenticated, endSession } from '../services/sessions';
import {
  clearSessionCookie,
  csrfToken,
  csrfValid,
  type FormAction,
  optionalReader,
  setSessionCookie,
} from './auth';

const FORM_BODY_LIMIT = 16 * 1024;
/** How long the checkout success page waits for Stripe's webhook before answering anyway. */
const SUCCESS_WAIT_MS = 8000;
const SUCCESS_POLL_MS = 400;

type PageContext = Context<AppEnv>;

const formLimit = bodyLimit({
  maxSize: FORM_BODY_LIMIT,
  onError: (c) =>
    showError(c as PageContext, 413, {
      title: 'This form is too large',
      message: 'The form sent more than we accept. Go back and shorten what you entered.',
    }),
});

const nextOf = (c: PageContext, raw: string | undefined) => parseNext(raw, c.var.ctx.config.publicUrl);

function loginFor(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`;
}

function withNext(path: string, next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

interface Submitted {
  fields: Record<string, string>;
  who: Authenticated | null;
}

/** The text fields of a posted form (files, which no page form has, are dropped). */
async function formStrings(c: PageContext): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(await c.req.parseBody())) {
    if (typeof value === 'string') fields[name] = value;
  }
  return fields;
}

/** Reads a posted form and runs the CSRF checks; a refusal is answered here, with nothing changed. */
async function submitted(c: PageContext, action: FormAction): Promise<Submitted | Response> {
  const who = await optionalReader(c);
  const fields = await formStrings(c);
  if (!(await csrfValid(c, action, fields.csrf, who?.sessionId ?? null))) {
    c.var.logger.warn('form refused by CSRF checks', { action, origin: c.req.header('origin') ?? null });
    return showForbiddenForm(c);
  }
  return { fields, who };
}

function credentialErrors(email: string, password: string, signingUp: boolean): FormErrors | undefined {
  const errors: FormErrors = {};
  if (email === '') errors.email = 'Enter your email address';
  else if (email.length > 254 || !isPlausibleEmail(email)) {
    errors.email = 'Enter an email address like name@example.com';
  }
  if (password === '') errors.password = signingUp ? 'Choose a password' : 'Enter your password';
  else if (signingUp && password.length < 8) errors.password = 'The password must be at least 8 characters';
  else if (password.length > 256) errors.password = 'The password must be at most 256 characters';
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** An error shown as a page keeps its headers (e.g. `Retry-After` of a 429). */
function keepHeaders(c: PageContext, err: ApiError): void {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
}

/** A publisher page that a sign-out may return to: only the publisher's registered origins. */
async function publisherReturn(
  c: PageContext,
  publisherId: string | undefined,
  returnTo: string | undefined,
): Promise<{ publisher: PublisherRow; url: URL } | null> {
  if (!publisherId || !returnTo || !isId('publisher', publisherId)) return null;
  const publisher = await getPublisher(c.var.ctx, publisherId);
  const url = publisher ? parseReturnTo(returnTo, publisher.origins) : null;
  return publisher && url ? { publisher, url } : null;
}

/** Waits (briefly) for the reader to become entitled: Stripe's webhook follows the redirect closely. */
async function entitledSoon(c: PageContext, who: Authenticated): Promise<Authenticated> {
  const deadline = Date.now() + SUCCESS_WAIT_MS;
  let current = who;
  for (;;) {
    const membership = toMembership(current.membershipRow);
    if (readerEntitlement(current.reader, membership, c.var.ctx.now()).entitled) return current;
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
  return renderPage(c, <LandingView signedIn={who !== null} trialDays={c.var.ctx.config.trialDays} />);
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
    const result = await signUp({ ctx: c.var.ctx, input: { email, password } });
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
    const result = await signIn({ ctx: c.var.ctx, input: { email, password } });
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
  if (form.who) await endSession(c.var.ctx, form.who.sessionId);
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
    const portal = await openBillingPortal(c.var.ctx, form.who, {
      returnUrl: `${c.var.ctx.config.publicUrl}/account`,
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
  const base = c.var.ctx.config.publicUrl;
  try {
    const checkout = await startCheckout(c.var.ctx, form.who, {
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
  const entitled = readerEntitlement(now.reader, toMembership(now.membershipRow), c.var.ctx.now()).entitled;
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

pageRoutes.get('/reset-password', async (c) => {
  const who = await optionalReader(c);
  return renderPage(c, <ResetPasswordView signedIn={who !== null} />);
});
