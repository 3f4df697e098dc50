/** @module Subscribing: the plan page, Stripe Checkout, and Checkout's success and cancel return pages. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../app/env';
import { paysThroughStripe } from '../../domain/membership';
import { startCheckout } from '../billing';
import { type Authenticated, entitlementOfReader, optionalReader } from '../readers';
import { attempt, formLimit, submitted } from './forms';
import { loginFor, nextOf, type PageContext, withNext } from './navigation';
import { submittedCurrency } from './plan-prices';
import { renderPage } from './render';
import { publisherOfNext, showSubscribe } from './screens';
import { CheckoutCancelView, CheckoutSuccessView } from './views/membership';

/** How long the checkout success page waits for Stripe's webhook before answering anyway. */
const SUCCESS_WAIT_MS = 8000;
const SUCCESS_POLL_MS = 400;

/** Waits (briefly) for the reader to become entitled: Stripe's webhook follows the redirect closely. */
async function entitledSoon(c: PageContext, who: Authenticated): Promise<Authenticated> {
  const deadline = Date.now() + SUCCESS_WAIT_MS;
  let current = who;
  for (;;) {
    if (entitlementOfReader(current, c.get('ctx').now()).entitled) return current;
    if (Date.now() >= deadline) return current;
    await new Promise((resolve) => setTimeout(resolve, SUCCESS_POLL_MS));
    current = (await optionalReader(c, true)) ?? current;
  }
}

export const subscribePages = new OpenAPIHono<AppEnv>();

subscribePages.get('/subscribe', async (c) => {
  const next = nextOf(c, c.req.query('next'));
  const who = await optionalReader(c);
  if (!who) return c.redirect(loginFor(withNext('/subscribe', next)), 303);
  return showSubscribe(c, who, { next, publisher: await publisherOfNext(c, next) });
});

subscribePages.post('/subscribe', formLimit, async (c) => {
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
  const who = form.who;
  const currency = await submittedCurrency(c, form.fields.currency);
  const checkout = await attempt(
    c,
    () =>
      startCheckout({
        ctx: c.get('ctx'),
        principal: who,
        input: {
          plan,
          successUrl: `${base}${withNext('/subscribe/success', next)}`,
          cancelUrl: `${base}${withNext('/subscribe/cancel', next)}`,
          currency,
        },
      }),
    { unavailable: 'Payments are not available right now. Please try again in a moment.' },
  );
  if (!checkout.ok) {
    return showSubscribe(c, who, {
      next,
      publisher,
      plan,
      errors: { form: checkout.message },
      status: checkout.status,
    });
  }
  return c.redirect(checkout.value.url, 303);
});

subscribePages.get('/subscribe/success', async (c) => {
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
  const entitled = entitlementOfReader(now, c.get('ctx').now()).entitled;
  // Back to the article through /access, which hands the publisher a fresh code.
  if (entitled && next) return c.redirect(next, 303);
  return renderPage(
    c,
    <CheckoutSuccessView
      active={paysThroughStripe(now.membershipRow)}
      continueHref={next ?? '/account'}
      continueLabel={next ? 'Continue reading' : 'Go to your account'}
    />,
  );
});

subscribePages.get('/subscribe/cancel', async (c) => {
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
