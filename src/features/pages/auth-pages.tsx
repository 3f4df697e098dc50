/** @module Sign-up, sign-in and sign-out pages; sign-out asked for by a publisher returns to its page. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { clearSessionCookie, setSessionCookie } from '../../http/cookies';
import { csrfToken } from '../../http/csrf';
import { endSession, optionalReader, signIn, signUp } from '../readers';
import { attempt, credentialErrors, formLimit, formStrings, submitted } from './forms';
import { nextOf, publisherReturn } from './navigation';
import { renderPage } from './render';
import { publisherOfNext, showError, showLogin, showSignup } from './screens';
import { SignOutView } from './views/auth';

export const authPages = new OpenAPIHono<AppEnv>();

authPages.get('/signup', async (c) => {
  const next = nextOf(c, c.req.query('next'));
  if (await optionalReader(c)) return c.redirect(next ?? '/account', 303);
  return showSignup(c, { next, publisher: await publisherOfNext(c, next) });
});

authPages.post('/signup', formLimit, async (c) => {
  const form = await submitted(c, 'signup');
  if (form instanceof Response) return form;
  const next = nextOf(c, form.fields.next);
  const email = (form.fields.email ?? '').trim();
  const password = form.fields.password ?? '';
  const screen = { next, publisher: await publisherOfNext(c, next), email };
  const errors = credentialErrors(email, password, true);
  if (errors) return showSignup(c, { ...screen, errors, status: 400 });
  const result = await attempt(c, () => signUp({ ctx: c.get('ctx'), input: { email, password } }), {
    email_taken: 'An account with this email already exists: sign in instead',
  });
  if (!result.ok)
    return showSignup(c, { ...screen, errors: { email: result.message }, status: result.status });
  setSessionCookie(c, result.value.sessionToken);
  return c.redirect(next ?? '/account', 303);
});

authPages.get('/login', async (c) => {
  const next = nextOf(c, c.req.query('next'));
  if (await optionalReader(c)) return c.redirect(next ?? '/account', 303);
  return showLogin(c, { next, publisher: await publisherOfNext(c, next) });
});

authPages.post('/login', formLimit, async (c) => {
  const form = await submitted(c, 'login');
  if (form instanceof Response) return form;
  const next = nextOf(c, form.fields.next);
  const email = (form.fields.email ?? '').trim();
  const password = form.fields.password ?? '';
  const screen = { next, publisher: await publisherOfNext(c, next), email };
  const errors = credentialErrors(email, password, false);
  if (errors) return showLogin(c, { ...screen, errors, status: 400 });
  const result = await attempt(c, () => signIn({ ctx: c.get('ctx'), input: { email, password } }), {
    unauthenticated: 'The email or password is incorrect',
  });
  if (!result.ok)
    return showLogin(c, { ...screen, errors: { password: result.message }, status: result.status });
  setSessionCookie(c, result.value.sessionToken);
  return c.redirect(next ?? '/account', 303);
});

// A publisher's "sign out" lands here; signing out changes state, so it asks for a click.
authPages.get('/logout', async (c) => {
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

authPages.post('/logout', formLimit, async (c) => {
  const signedIn = await optionalReader(c);
  // Without a session there is nothing to protect: clearing a stale cookie is harmless.
  const form = signedIn ? await submitted(c, 'logout') : { fields: await formStrings(c), who: null };
  if (form instanceof Response) return form;
  if (form.who) await endSession(c.get('ctx'), form.who.sessionId);
  clearSessionCookie(c);
  const target = await publisherReturn(c, form.fields.publisher, form.fields.return_to);
  return c.redirect(target?.url.href ?? '/', 303);
});
