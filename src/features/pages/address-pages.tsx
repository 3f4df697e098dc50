/**
 * @module The account's address pages: asking for and entering a confirmation code, changing the
 * address (a code on the account page, or the mailed link's page, whose button confirms).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { csrfToken } from '../../http/csrf';
import {
  confirmEmailChange,
  confirmEmailVerification,
  liveEmailChangeLink,
  requestEmailChange,
  requestEmailVerification,
} from '../account';
import { optionalReader } from '../readers';
import { attempt, emailError, formLimit, submitted, submittedWithLink } from './forms';
import { loginFor } from './navigation';
import { renderPage } from './render';
import { showAccount } from './screens';
import { EmailChangeConfirmView, EmailChangedView } from './views/account-address';

export const addressPages = new OpenAPIHono<AppEnv>();

const codeOf = (raw: string | undefined) => (raw ?? '').replace(/\s/g, '');

addressPages.post('/account/email/verify', formLimit, async (c) => {
  const form = await submitted(c, 'verify-email');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  const who = form.who;
  const sent = await attempt(c, () =>
    requestEmailVerification({ ctx: c.get('ctx'), principal: who, input: undefined }),
  );
  if (!sent.ok) return showAccount(c, who, { error: sent.message, status: sent.status });
  return showAccount(c, who, {
    notice: `We mailed a link and a code to ${who.reader.email}: open the link, or enter the code below.`,
    address: { verifySent: true },
  });
});

addressPages.post('/account/email/verify/confirm', formLimit, async (c) => {
  const form = await submitted(c, 'verify-email-code');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  const who = form.who;
  const code = codeOf(form.fields.verify_code);
  const result = await attempt(
    c,
    () => confirmEmailVerification({ ctx: c.get('ctx'), principal: who, input: { code } }),
    { unauthenticated: 'That code is wrong, expired or already used' },
  );
  if (!result.ok)
    return showAccount(c, who, {
      address: { verifySent: true, error: result.message },
      status: result.status,
    });
  return showAccount(
    c,
    { ...who, reader: { ...who.reader, emailVerifiedAt: result.value } },
    { notice: 'Your address is confirmed. Thank you.' },
  );
});

addressPages.post('/account/email', formLimit, async (c) => {
  const form = await submitted(c, 'change-email');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  const who = form.who;
  const email = (form.fields.new_email ?? '').trim();
  const invalid = emailError(email);
  if (invalid) return showAccount(c, who, { address: { error: invalid }, status: 400 });
  const sent = await attempt(c, () =>
    requestEmailChange({ ctx: c.get('ctx'), principal: who, input: { email } }),
  );
  if (!sent.ok) return showAccount(c, who, { address: { error: sent.message }, status: sent.status });
  return showAccount(c, who, { address: { pending: email } });
});

addressPages.post('/account/email/confirm', formLimit, async (c) => {
  const form = await submitted(c, 'change-email-code');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  const who = form.who;
  const code = codeOf(form.fields.change_code);
  const result = await attempt(
    c,
    () => confirmEmailChange({ ctx: c.get('ctx'), principal: who, input: { code } }),
    { unauthenticated: 'That code is wrong, expired or already used' },
  );
  if (!result.ok) return showAccount(c, who, { address: { error: result.message }, status: result.status });
  return renderPage(c, <EmailChangedView email={result.value.email} signedIn />);
});

// The mailed link: a page whose button confirms, in whatever browser the mail was opened.
addressPages.get('/account/email/confirm', async (c) => {
  const token = c.req.query('token') ?? '';
  const live = await liveEmailChangeLink(c.get('ctx'), token);
  const csrf = await csrfToken(c, 'change-email-link', null);
  return renderPage(c, <EmailChangeConfirmView csrf={csrf} token={token} email={live?.email ?? null} />, {
    status: live ? 200 : 400,
  });
});

addressPages.post('/account/email/confirm-link', formLimit, async (c) => {
  const fields = await submittedWithLink(c, 'change-email-link');
  if (fields instanceof Response) return fields;
  const token = fields.token ?? '';
  const result = await attempt(c, () =>
    confirmEmailChange({ ctx: c.get('ctx'), principal: null, input: { token } }),
  );
  if (!result.ok) {
    const csrf = await csrfToken(c, 'change-email-link', null);
    return renderPage(
      c,
      <EmailChangeConfirmView csrf={csrf} token={token} email={null} error={result.message} />,
      { status: result.status },
    );
  }
  const who = await optionalReader(c);
  return renderPage(
    c,
    <EmailChangedView email={result.value.email} signedIn={who?.reader.id === result.value.readerId} />,
  );
});
