/** @module The reader's account page and its way into Stripe's billing portal. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { openBillingPortal } from '../billing';
import { optionalReader } from '../readers';
import { attempt, formLimit, submitted } from './forms';
import { loginFor } from './navigation';
import { showAccount } from './screens';

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
        input: { returnUrl: `${c.get('ctx').config.publicUrl}/account` },
      }),
    { unavailable: 'Billing is not available right now. Please try again in a moment.' },
  );
  if (!portal.ok) return showAccount(c, who, { error: portal.message, status: portal.status });
  return c.redirect(portal.value.url, 303);
});
