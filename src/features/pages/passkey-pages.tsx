/**
 * @module The passkey pages' own routes: the script of their buttons (same-origin, so the pages'
 * CSP allows it with `script-src 'self'`) and removing a passkey from the account page, a plain
 * CSRF-protected form that works without JavaScript.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { serveStaticScript } from '../../http/static-asset';
import { deletePasskey } from '../passkeys';
import { PASSKEYS_SCRIPT_PATH } from './client/script-path';
import { attempt, formLimit, submitted } from './forms';
import { loginFor } from './navigation';
import { showAccount } from './screens';

export const passkeyPages = new OpenAPIHono<AppEnv>();

// A static asset on Workers (out of the bundle), the generated module on Node (src/app/node-assets.ts).
passkeyPages.get(PASSKEYS_SCRIPT_PATH, (c) =>
  serveStaticScript(c, PASSKEYS_SCRIPT_PATH, 'public, max-age=300'),
);

passkeyPages.post('/account/passkeys/delete', formLimit, async (c) => {
  const form = await submitted(c, 'delete-passkey');
  if (form instanceof Response) return form;
  if (!form.who) return c.redirect(loginFor('/account'), 303);
  const who = form.who;
  const removed = await attempt(
    c,
    () => deletePasskey({ ctx: c.get('ctx'), principal: who, input: { id: form.fields.passkey ?? '' } }),
    { not_found: 'That passkey was already removed.' },
  );
  if (!removed.ok) return showAccount(c, who, { error: removed.message, status: removed.status });
  return showAccount(c, who, { notice: 'The passkey is removed: it no longer signs you in.' });
});
