/** @module Password reset pages: ask for a link by email, then choose a new password with it. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../app/env';
import { clearSessionCookie } from '../../http/cookies';
import { csrfToken } from '../../http/csrf';
import { confirmPasswordReset, requestPasswordReset, resetLinkWorks } from '../account';
import { optionalReader } from '../readers';
import { attempt, emailError, formLimit, newPasswordError, submitted, submittedWithLink } from './forms';
import { renderPage } from './render';
import type { FormErrors } from './views/form';
import { ResetConfirmView, ResetDoneView, ResetRequestView, ResetSentView } from './views/reset';

export const resetPages = new OpenAPIHono<AppEnv>();

// Reset links are mailed as `/reset-password?token=…` (see features/account/password-reset.ts).
resetPages.get('/reset-password', async (c) => {
  const token = c.req.query('token');
  if (token !== undefined) {
    const csrf = await csrfToken(c, 'reset-confirm', null);
    if (!(await resetLinkWorks(c.get('ctx'), token))) {
      // A used or expired link says so at once, instead of after the reader chose a password.
      const errors = { form: 'This reset link is invalid, expired or already used. Ask for a new one.' };
      return renderPage(c, <ResetConfirmView csrf={csrf} token="" errors={errors} />, { status: 400 });
    }
    return renderPage(c, <ResetConfirmView csrf={csrf} token={token} />);
  }
  const who = await optionalReader(c);
  const csrf = await csrfToken(c, 'reset-request', who?.sessionId ?? null);
  return renderPage(c, <ResetRequestView csrf={csrf} signedIn={who !== null} />);
});

resetPages.post('/reset-password', formLimit, async (c) => {
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
  const result = await attempt(c, () => requestPasswordReset({ ctx: c.get('ctx'), input: { email } }));
  if (!result.ok) return again(result.message, result.status);
  return renderPage(c, <ResetSentView signedIn={signedIn} />);
});

resetPages.post('/reset-password/confirm', formLimit, async (c) => {
  // The link proves who the reader is; a session is neither needed nor bound into the token.
  const fields = await submittedWithLink(c, 'reset-confirm');
  if (fields instanceof Response) return fields;
  const token = fields.token ?? '';
  const password = fields.password ?? '';
  const again = async (errors: FormErrors, status: ContentfulStatusCode) => {
    const csrf = await csrfToken(c, 'reset-confirm', null);
    return renderPage(c, <ResetConfirmView csrf={csrf} token={token} errors={errors} />, { status });
  };
  const error = newPasswordError(password);
  if (error) return again({ password: error }, 400);
  const result = await attempt(c, () =>
    confirmPasswordReset({ ctx: c.get('ctx'), input: { token, password } }),
  );
  if (!result.ok) return again({ form: result.message }, result.status);
  // Every session of the reader has ended; the cookie of this browser may be one of them.
  clearSessionCookie(c);
  return renderPage(c, <ResetDoneView />);
});
