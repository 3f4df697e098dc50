/**
 * @module Sign-in by mail pages: ask for a link and code, enter the code, or confirm a mailed link
 * with a click (a POST: a mail scanner that follows the link signs nobody in).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../app/env';
import { setSessionCookie } from '../../http/cookies';
import { csrfToken } from '../../http/csrf';
import { confirmEmailSignIn, liveSignInLink, optionalReader, requestEmailSignIn } from '../readers';
import { attempt, emailError, formLimit, submitted, submittedWithLink } from './forms';
import { nextOf, type PageContext } from './navigation';
import { renderPage } from './render';
import { publisherOfNext } from './screens';
import { EmailCodeView, EmailConfirmView, EmailSignInView } from './views/email-sign-in';
import type { FormErrors } from './views/form';

export const emailPages = new OpenAPIHono<AppEnv>();

/** Where a signed-in flow may end, for the page's form-action: the publisher of an `/access` continuation. */
async function targetsOf(c: PageContext, next: string | null): Promise<string[]> {
  return (await publisherOfNext(c, next))?.origins ?? [];
}

async function showAsk(
  c: PageContext,
  next: string | null,
  email?: string,
  errors?: FormErrors,
  status?: ContentfulStatusCode,
) {
  const csrf = await csrfToken(c, 'email-sign-in', (await optionalReader(c))?.sessionId ?? null);
  return renderPage(c, <EmailSignInView csrf={csrf} next={next} email={email} errors={errors} />, { status });
}

async function showCode(
  c: PageContext,
  next: string | null,
  email: string,
  errors?: FormErrors,
  status?: ContentfulStatusCode,
) {
  const csrf = await csrfToken(c, 'email-code', (await optionalReader(c))?.sessionId ?? null);
  return renderPage(c, <EmailCodeView csrf={csrf} next={next} email={email} errors={errors} />, {
    status,
    formTargets: await targetsOf(c, next),
  });
}

emailPages.get('/sign-in/email', async (c) => {
  const next = nextOf(c, c.req.query('next'));
  if (await optionalReader(c)) return c.redirect(next ?? '/account', 303);
  return showAsk(c, next);
});

emailPages.post('/sign-in/email', formLimit, async (c) => {
  const form = await submitted(c, 'email-sign-in');
  if (form instanceof Response) return form;
  const next = nextOf(c, form.fields.next);
  const email = (form.fields.email ?? '').trim();
  const error = emailError(email);
  if (error) return showAsk(c, next, email, { email: error }, 400);
  const result = await attempt(c, () => requestEmailSignIn({ ctx: c.get('ctx'), input: { email, next } }));
  if (!result.ok) return showAsk(c, next, email, { email: result.message }, result.status);
  return showCode(c, next, email);
});

emailPages.post('/sign-in/email/code', formLimit, async (c) => {
  const form = await submitted(c, 'email-code');
  if (form instanceof Response) return form;
  const next = nextOf(c, form.fields.next);
  const email = (form.fields.email ?? '').trim();
  const code = (form.fields.code ?? '').replace(/\s/g, '');
  if (!/^\d{6}$/.test(code))
    return showCode(c, next, email, { code: 'Enter the 6 digits of the code we mailed you' }, 400);
  const result = await attempt(c, () => confirmEmailSignIn({ ctx: c.get('ctx'), input: { email, code } }), {
    unauthenticated: 'This code is wrong, expired or already used',
  });
  if (!result.ok) return showCode(c, next, email, { code: result.message }, result.status);
  setSessionCookie(c, result.value.sessionToken);
  return c.redirect(next ?? '/account', 303);
});

// Links are mailed as `/sign-in/email/confirm?token=…` (features/mail/links.ts).
emailPages.get('/sign-in/email/confirm', async (c) => {
  const token = c.req.query('token') ?? '';
  const live = await liveSignInLink(c.get('ctx'), token);
  const csrf = await csrfToken(c, 'email-confirm', null);
  if (!live) {
    const error = 'This sign-in link is wrong, expired or already used.';
    return renderPage(c, <EmailConfirmView csrf={csrf} token="" error={error} />, { status: 400 });
  }
  return renderPage(c, <EmailConfirmView csrf={csrf} token={token} />, {
    formTargets: await targetsOf(c, live.next),
  });
});

emailPages.post('/sign-in/email/confirm', formLimit, async (c) => {
  // The link proves who the reader is; the CSRF token is bound to no session.
  const fields = await submittedWithLink(c, 'email-confirm');
  if (fields instanceof Response) return fields;
  const token = fields.token ?? '';
  const result = await attempt(c, () => confirmEmailSignIn({ ctx: c.get('ctx'), input: { token } }), {
    unauthenticated: 'This sign-in link is wrong, expired or already used.',
  });
  if (!result.ok) {
    const csrf = await csrfToken(c, 'email-confirm', null);
    return renderPage(c, <EmailConfirmView csrf={csrf} token="" error={result.message} />, {
      status: result.status,
    });
  }
  setSessionCookie(c, result.value.sessionToken);
  return c.redirect(nextOf(c, result.value.next ?? undefined) ?? '/account', 303);
});
