/** @module Browser routes: the hosted checkout page (`/checkout/:id`) and the billing portal (`/portal/:id`). */

import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type Stripe from 'stripe';
import { payInvoice, requireCustomer } from '../billing';
import { checkCard, refusal } from '../cards';
import { completeCheckout } from '../checkout';
import type { EmulatorContext } from '../context';
import { applyCoupon } from '../discounts';
import { EmulatorApiError } from '../errors';
import { cancelNow, isLive, replaceCard, setCancelAtPeriodEnd, updateSubscription } from '../lifecycle';
import { type CardValues, CheckoutPage, day, type FormError, PortalPage } from '../pages';
import { CancelFlowPage } from '../portal-cancel';
import { firstItem, type SubscriptionRecord } from '../store';

const EMPTY: CardValues = { number: '', exp: '', cvc: '', name: '' };

async function cardValues(c: Context): Promise<CardValues> {
  const body = await c.req.parseBody();
  const text = (key: string) => {
    const v = body[key];
    return typeof v === 'string' ? v : '';
  };
  return {
    number: text('number'),
    exp: text('exp'),
    cvc: text('cvc'),
    name: text('name'),
    country: text('country'),
    postal_code: text('postal_code'),
  };
}

const NOTICES: Record<string, string> = {
  'cancel-at-period-end': 'Your subscription will end at the end of the current period.',
  resume: 'Your subscription will continue.',
  'cancel-now': 'Your subscription has been canceled.',
  card: 'Your card has been replaced.',
  pay: 'Thank you, the invoice is paid.',
  offer: 'The offer is applied to your next invoices.',
};

function notFound(c: Context, what: string): Response {
  return c.html(
    `<!DOCTYPE html><html lang="en"><title>Not found</title><h1>${what} not found</h1></html>`,
    404,
  );
}

export function pageRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  const headers = async (c: Context, next: () => Promise<void>) => {
    await next();
    c.header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', 'no-store');
  };
  app.use('/checkout/*', headers);
  app.use('/portal/*', headers);

  const renderCheckout = (
    c: Context,
    id: string,
    values: CardValues,
    error: FormError | null,
    status: ContentfulStatusCode,
  ) => {
    const rec = ctx.state.checkoutSessions.get(id);
    const price = rec === undefined ? undefined : ctx.state.prices.get(rec.priceId);
    if (rec === undefined || price === undefined) return notFound(c, 'Checkout session');
    const product = typeof price.product === 'string' ? ctx.state.products.get(price.product) : undefined;
    const view = { session: rec.session, price, product, quantity: rec.quantity, trialEnd: rec.trialEnd };
    return c.html(<CheckoutPage {...view} values={values} error={error} />, status);
  };

  app.get('/checkout/:id', (c) => renderCheckout(c, c.req.param('id'), EMPTY, null, 200));

  app.post('/checkout/:id', async (c) => {
    const id = c.req.param('id');
    const values = await cardValues(c);
    const result = completeCheckout(ctx, id, values);
    if (result.ok) {
      if (result.redirectUrl !== null) return c.redirect(result.redirectUrl, 303);
      return renderCheckout(c, id, EMPTY, null, 200);
    }
    if (result.status === 404) return notFound(c, 'Checkout session');
    // Keep what was typed, except a rejected card number, so the reader can correct it.
    const kept = result.field === 'number' ? { ...values, number: '' } : values;
    return renderCheckout(c, id, kept, { message: result.message, field: result.field }, result.status);
  });

  const portal = (id: string) => {
    const session = ctx.state.portalSessions.get(id);
    if (session === undefined) return undefined;
    const customer = ctx.state.customers.get(session.customer);
    if (customer === undefined || customer.deleted) return undefined;
    return { session, customer };
  };

  const renderPortal = (
    c: Context,
    id: string,
    error: FormError | null,
    values: CardValues,
    status: ContentfulStatusCode,
  ) => {
    const found = portal(id);
    if (found === undefined) return notFound(c, 'Portal session');
    const subscriptions = [...ctx.state.subscriptions.values()]
      .filter((r) => r.subscription.customer === found.customer.customer.id)
      .reverse()
      .map((r) => {
        const latest = r.subscription.latest_invoice;
        const invoice = typeof latest === 'string' ? ctx.state.invoices.get(latest)?.invoice : undefined;
        return { subscription: r.subscription, openInvoice: invoice?.status === 'open' ? invoice : null };
      });
    const done = c.req.query('done');
    return c.html(
      <PortalPage
        session={found.session}
        customer={found.customer.customer}
        card={found.customer.card}
        subscriptions={subscriptions}
        notice={done === undefined ? null : (NOTICES[done] ?? null)}
        error={error}
        values={values}
      />,
      status,
    );
  };

  app.get('/portal/:id', (c) => {
    const id = c.req.param('id');
    const flow = portal(id)?.session.flow;
    if (flow?.type === 'subscription_cancel' && c.req.query('done') === undefined)
      return renderCancelFlow(c, id);
    return renderPortal(c, id, null, EMPTY, 200);
  });

  /** The cancellation flow a session was opened for: the configuration's reasons, the retention offer. */
  const renderCancelFlow = (c: Context, id: string) => {
    const found = portal(id);
    const flow = found?.session.flow?.subscription_cancel;
    const rec = flow ? ctx.state.subscriptions.get(flow.subscription) : undefined;
    if (found === undefined || flow == null || rec === undefined) return notFound(c, 'Portal session');
    const configId = found.session.configuration;
    const config = ctx.state.portalConfigurations.get(typeof configId === 'string' ? configId : configId.id);
    const reason = config?.features.subscription_cancel.cancellation_reason;
    const coupon = flow.retention?.coupon_offer?.coupon;
    return c.html(
      <CancelFlowPage
        base={`/portal/${id}`}
        subscription={rec.subscription}
        periodEnd={day(firstItem(rec.subscription).current_period_end)}
        reasons={reason?.enabled ? reason.options : []}
        offer={
          coupon === undefined || rec.discount !== undefined ? null : (ctx.state.coupons.get(coupon) ?? null)
        }
      />,
    );
  };

  /** Where a completed flow goes: the redirect it was opened with, else the portal's page with a notice. */
  const afterFlow = (c: Context, id: string, done: string) => {
    const after = portal(id)?.session.flow?.after_completion;
    if (after?.type === 'redirect' && after.redirect) return c.redirect(after.redirect.return_url, 303);
    return c.redirect(`/portal/${id}?done=${done}`, 303);
  };

  /** A flow's own subscription, posted from its page; undefined for any other. */
  const flowSubscription = async (c: Context, id: string) => {
    const body = await c.req.parseBody();
    const flow = portal(id)?.session.flow?.subscription_cancel;
    if (!flow || body.subscription !== flow.subscription) return undefined;
    const rec = ctx.state.subscriptions.get(flow.subscription);
    return rec === undefined ? undefined : { rec, flow, body };
  };

  app.post('/portal/:id/flow-cancel', async (c) => {
    const id = c.req.param('id');
    const found = await flowSubscription(c, id);
    if (found === undefined) return notFound(c, 'Subscription');
    const reason = typeof found.body.reason === 'string' ? found.body.reason : null;
    const { rec } = found;
    if (!rec.subscription.cancel_at_period_end && isLive(rec.subscription)) {
      updateSubscription(ctx, rec, () => {
        setCancelAtPeriodEnd(ctx, rec, true);
        const details = rec.subscription.cancellation_details;
        if (details && reason) details.feedback = reason as Stripe.Subscription.CancellationDetails.Feedback;
      });
    }
    return afterFlow(c, id, 'cancel-at-period-end');
  });

  app.post('/portal/:id/flow-accept-offer', async (c) => {
    const id = c.req.param('id');
    const found = await flowSubscription(c, id);
    const coupon = found?.flow.retention?.coupon_offer?.coupon;
    const offered = coupon === undefined ? undefined : ctx.state.coupons.get(coupon);
    if (found === undefined || offered === undefined) return notFound(c, 'Offer');
    const { rec } = found;
    if (rec.discount === undefined) updateSubscription(ctx, rec, () => applyCoupon(ctx, rec, offered));
    return afterFlow(c, id, 'offer');
  });

  /** An action on one of the session customer's subscriptions, then back to the portal page. */
  const subscriptionAction = (name: string, act: (rec: SubscriptionRecord) => void) =>
    app.post(`/portal/:id/${name}`, async (c) => {
      const id = c.req.param('id');
      const found = portal(id);
      const body = await c.req.parseBody();
      const rec = ctx.state.subscriptions.get(typeof body.subscription === 'string' ? body.subscription : '');
      if (
        found === undefined ||
        rec === undefined ||
        rec.subscription.customer !== found.customer.customer.id
      ) {
        return notFound(c, 'Subscription');
      }
      try {
        act(rec);
      } catch (err) {
        if (!(err instanceof EmulatorApiError)) throw err;
        return renderPortal(
          c,
          id,
          { message: err.message, field: null },
          EMPTY,
          err.status === 402 ? 402 : 400,
        );
      }
      return c.redirect(`/portal/${id}?done=${name}`, 303);
    });

  subscriptionAction('cancel-at-period-end', (rec) =>
    updateSubscription(ctx, rec, () => setCancelAtPeriodEnd(ctx, rec, true)),
  );
  subscriptionAction('resume', (rec) =>
    updateSubscription(ctx, rec, () => setCancelAtPeriodEnd(ctx, rec, false)),
  );
  subscriptionAction('cancel-now', (rec) => {
    if (isLive(rec.subscription)) cancelNow(ctx, rec, 'cancellation_requested');
  });
  subscriptionAction('pay', (rec) => {
    const latest = rec.subscription.latest_invoice;
    const invoice = typeof latest === 'string' ? ctx.state.invoices.get(latest) : undefined;
    if (invoice !== undefined) payInvoice(ctx, invoice);
  });

  app.post('/portal/:id/card', async (c) => {
    const id = c.req.param('id');
    const found = portal(id);
    if (found === undefined) return notFound(c, 'Portal session');
    const values = await cardValues(c);
    const checked = checkCard(values, ctx.state.now);
    const problem = 'problem' in checked ? checked.problem : refusal(checked.card, 'attach');
    if (problem !== null || !('card' in checked)) {
      const error = problem ?? { field: null, message: 'The card could not be saved.' };
      const status = problem?.code === 'card_declined' ? 402 : 400;
      return renderPortal(
        c,
        id,
        { message: error.message, field: error.field },
        { ...values, number: '' },
        status,
      );
    }
    replaceCard(ctx, requireCustomer(ctx, found.customer.customer.id), checked.card);
    return c.redirect(`/portal/${id}?done=card`, 303);
  });

  return app;
}
