/** @module The reader's account page: its way into Stripe's billing portal, the devices and the password. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { clearSessionCookie } from '../../http/cookies';
import {
  changePassword,
  deleteOwnAccount,
  exportOwnData,
  readingHistory,
  signOutOtherDevices,
} from '../account';
import { openBillingPortal } from '../billing';
import { optionalReader, requestEmailSignIn } from '../readers';
import { attempt, formLimit, newPasswordError, submitted } from './forms';
import { loginFor } from './navigation';
import { renderPage } from './render';
import { readingRow, showAccount } from './screens';
import { DeletedView, ReadingView } from './views/account-settings';

export const accountPages = new OpenAPIHono<AppEnv>();

accountPages.get('/account', async (c) => {
  const who = await optionalReader(c);
  if (!who) return c.redirect(loginFor('/account'), 303);
  return showAccount(c, who);
});

accountPages.post('/account/billing-portal', formLimit, async (c) => {
  const form = await submitted(c, 'billing-portal');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  const who = form.who;
  const portal = await attempt(
    c,
    () =>
      openBillingPortal({
        ctx: c.get('ctx'),
        principal: who,
        input: {
          returnUrl: `${c.get('ctx').config.publicUrl}/account`,
          flow: form.fields.flow === 'cancel' ? 'cancel' : 'home',
        },
      }),
    { unavailable: 'Billing is not available right now. Please try again in a moment.' },
  );
  if (!portal.ok) return showAccount(c, who, { error: portal.message, status: portal.status });
  return c.redirect(portal.value.url, 303);
});

accountPages.post('/account/sessions', formLimit, async (c) => {
  const form = await submitted(c, 'end-other-sessions');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  const ended = await signOutOtherDevices({ ctx: c.get('ctx'), principal: form.who, input: undefined });
  const notice = ended === 1 ? 'Signed out on 1 other device.' : `Signed out on ${ended} other devices.`;
  return showAccount(c, form.who, { notice });
});

accountPages.post('/account/password', formLimit, async (c) => {
  const form = await submitted(c, 'change-password');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  const who = form.who;
  const currentPassword = form.fields.current_password;
  const newPassword = form.fields.new_password ?? '';
  const hasPassword = who.reader.passwordHash !== null;
  const errors = {
    current_password: hasPassword && !currentPassword ? 'Enter your current password' : undefined,
    new_password: newPasswordError(newPassword),
  };
  if (errors.current_password || errors.new_password)
    return showAccount(c, who, { passwordErrors: errors, status: 400 });
  const result = await attempt(
    c,
    () => changePassword({ ctx: c.get('ctx'), principal: who, input: { currentPassword, newPassword } }),
    { unauthenticated: 'The current password is incorrect' },
  );
  if (!result.ok) {
    return showAccount(c, who, {
      passwordErrors: { current_password: result.message },
      status: result.status,
    });
  }
  const notice = hasPassword
    ? 'Your password has changed. Other devices are signed out.'
    : 'Your password is set.';
  return showAccount(c, { ...who, reader: { ...who.reader, passwordHash: 'set' } }, { notice });
});

accountPages.get('/account/reading', async (c) => {
  const who = await optionalReader(c);
  if (!who) return c.redirect(loginFor('/account/reading'), 303);
  const page = await readingHistory({
    ctx: c.get('ctx'),
    principal: who,
    input: { cursor: c.req.query('cursor') },
  });
  return renderPage(
    c,
    <ReadingView
      rows={page.data.map(readingRow)}
      next={page.nextCursor}
      keptDays={c.get('ctx').ledger?.hotDays}
    />,
  );
});

// A download for the signed-in browser itself: nothing changes, so no form and no CSRF token.
accountPages.get('/account/export', async (c) => {
  const who = await optionalReader(c);
  if (!who) return c.redirect(loginFor('/account'), 303);
  const data = await exportOwnData({ ctx: c.get('ctx'), principal: who, input: undefined });
  c.header('Cache-Control', 'no-store');
  c.header('Content-Disposition', 'attachment; filename="onepass-export.json"');
  return c.json(data, 200);
});

accountPages.post('/account/delete/code', formLimit, async (c) => {
  const form = await submitted(c, 'delete-code');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  const who = form.who;
  const sent = await attempt(c, () =>
    requestEmailSignIn({ ctx: c.get('ctx'), input: { email: who.reader.email ?? '' } }),
  );
  if (!sent.ok) return showAccount(c, who, { deleteError: sent.message, status: sent.status });
  return showAccount(c, who, { notice: 'We mailed you a code: enter it below to delete your account.' });
});

accountPages.post('/account/delete', formLimit, async (c) => {
  const form = await submitted(c, 'delete-account');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  const who = form.who;
  const input =
    who.reader.passwordHash === null
      ? { code: (form.fields.delete_code ?? '').replace(/\s/g, '') }
      : { password: form.fields.delete_password ?? '' };
  const result = await attempt(c, () => deleteOwnAccount({ ctx: c.get('ctx'), principal: who, input }));
  if (!result.ok) return showAccount(c, who, { deleteError: result.message, status: result.status });
  clearSessionCookie(c);
  return renderPage(c, <DeletedView />);
});
