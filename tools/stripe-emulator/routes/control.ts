/** @module Test controls under `/_emulator/` (JSON, no auth): clock, webhook modes and deliveries, card and charge tricks, reset. */

import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { latestChargeOf, refundCharge, requireCustomer } from '../billing';
import { type CardInput, checkCard, refusal } from '../cards';
import { completeCheckout } from '../checkout';
import { EMULATOR_API_VERSION } from '../constants';
import type { Emulator } from '../emulator';
import { EmulatorApiError, invalidRequest, resourceMissing } from '../errors';
import { pause, replaceCard } from '../lifecycle';
import { DELIVERY_MODES, isDeliveryMode } from '../webhooks';
import { requireSubscription } from './subscriptions';

const DEFAULT_CARD = { exp: '12 / 34', cvc: '123', name: 'Emulator Tester' };

async function json(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Fall through to the 400 below.
  }
  throw invalidRequest('The body must be a JSON object.');
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalidRequest(`${name} must be an array of strings.`, name);
  }
  return value;
}

/** `card` may be a bare number or `{number, exp?, cvc?, name?}`; missing details get valid defaults. */
function cardInput(value: unknown): CardInput {
  if (typeof value === 'string') return { ...DEFAULT_CARD, number: value };
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    const text = (key: string, fallback: string) => (typeof v[key] === 'string' ? String(v[key]) : fallback);
    return {
      number: text('number', ''),
      exp: text('exp', DEFAULT_CARD.exp),
      cvc: text('cvc', DEFAULT_CARD.cvc),
      name: text('name', DEFAULT_CARD.name),
      // 3-D Secure on the page: completed unless `authenticate: false` (abandoned or failed).
      ...(v.authenticate === false ? { authenticate: false } : {}),
      // The billing address a Stripe Tax checkout collects with the card.
      ...(typeof v.country === 'string' ? { country: v.country } : {}),
      ...(typeof v.postal_code === 'string' ? { postal_code: v.postal_code } : {}),
    };
  }
  throw invalidRequest(
    'card must be a card number or {number, exp?, cvc?, name?, country?, postal_code?}.',
    'card',
  );
}

export function controlRoutes(emulator: Emulator): Hono {
  const app = new Hono();
  const { ctx, webhooks } = emulator;

  app.onError((err, c) => {
    if (err instanceof EmulatorApiError)
      return c.json({ error: err.body }, err.status as ContentfulStatusCode);
    ctx.config.log(`control error: ${err.stack ?? err.message}`);
    return c.json({ error: { type: 'api_error', message: 'Unexpected emulator error.' } }, 500);
  });

  app.get('/_emulator/health', (c) =>
    c.json({
      ok: true,
      now: ctx.state.now,
      api_version: EMULATOR_API_VERSION,
      mode: webhooks.mode,
      webhook_endpoints: webhooks.endpoints,
    }),
  );

  // API requests answered since start or the last reset, by method and route.
  app.get('/_emulator/requests', (c) => c.json({ data: Object.fromEntries(ctx.apiCalls) }));
  app.post('/_emulator/requests/reset', (c) => {
    ctx.apiCalls.clear();
    return c.json({ data: {} });
  });

  app.get('/_emulator/clock', (c) =>
    c.json({ now: ctx.state.now, iso: new Date(ctx.state.now * 1000).toISOString() }),
  );

  app.post('/_emulator/clock/advance', async (c) => {
    const body = await json(c);
    let target: number;
    if (typeof body.to === 'number') target = body.to;
    else if (typeof body.seconds === 'number' && body.seconds >= 0) target = ctx.state.now + body.seconds;
    else throw invalidRequest('Give {seconds: n >= 0} or {to: unix seconds}.', 'seconds');
    const events = emulator.advance(Math.floor(target));
    return c.json({ now: ctx.state.now, events });
  });

  app.post('/_emulator/webhooks/mode', async (c) => {
    const mode = (await json(c)).mode;
    if (!isDeliveryMode(mode)) {
      throw invalidRequest(`mode must be one of ${DELIVERY_MODES.join(', ')}.`, 'mode');
    }
    await webhooks.setMode(mode);
    return c.json({ mode: webhooks.mode });
  });

  app.get('/_emulator/webhooks/held', (c) => c.json({ data: webhooks.heldEvents() }));

  // The API version the pull queue's events are rendered in (null: the pinned one), as an endpoint's.
  app.post('/_emulator/webhooks/api-version', async (c) => {
    const version = (await json(c)).api_version;
    if (version !== null && (typeof version !== 'string' || !/^\d{4}-\d{2}-\d{2}(\.\w+)?$/.test(version))) {
      throw invalidRequest(
        'api_version must be a Stripe API version such as 2024-06-20, or null.',
        'api_version',
      );
    }
    webhooks.pullApiVersion = version;
    return c.json({ api_version: webhooks.pullApiVersion });
  });

  app.post('/_emulator/webhooks/release', async (c) => {
    const body = await json(c);
    const order = stringList(body.order, 'order');
    const drop = stringList(body.drop, 'drop');
    return c.json(await webhooks.release({ ...(order ? { order } : {}), ...(drop ? { drop } : {}) }));
  });

  app.post('/_emulator/webhooks/flush', async (c) => c.json({ idle: await webhooks.idle() }));

  app.get('/_emulator/webhook-endpoints', (c) => c.json({ data: webhooks.endpoints }));

  app.post('/_emulator/webhook-endpoints', async (c) => {
    const url = (await json(c)).url;
    if (typeof url !== 'string') throw invalidRequest('url is required.', 'url');
    webhooks.addEndpoint(url);
    return c.json({ data: webhooks.endpoints });
  });

  app.delete('/_emulator/webhook-endpoints', async (c) => {
    const url = c.req.query('url') ?? (await json(c)).url;
    if (typeof url !== 'string') throw invalidRequest('url is required.', 'url');
    webhooks.removeEndpoint(url);
    return c.json({ data: webhooks.endpoints });
  });

  app.get('/_emulator/deliveries', (c) => {
    const status = c.req.query('status');
    // `status=pending` is the pull queue unless an endpoint is named: pushes are the emulator's own business.
    const endpoint = c.req.query('endpoint') ?? (status === 'pending' ? 'pull' : undefined);
    const data = webhooks
      .list({ status, event_id: c.req.query('event_id'), type: c.req.query('type') })
      .filter(
        (d) =>
          endpoint === undefined || (endpoint === 'pull' ? d.endpoint === null : d.endpoint === endpoint),
      )
      .map((d) => webhooks.withSignature(d));
    return c.json({ data });
  });

  app.post('/_emulator/deliveries/:id/result', async (c) => {
    const status = (await json(c)).status;
    if (typeof status !== 'number' || !Number.isInteger(status))
      throw invalidRequest('status must be an HTTP status.', 'status');
    return c.json(webhooks.recordResult(c.req.param('id'), status));
  });

  app.post('/_emulator/events/:id/redeliver', async (c) => {
    const id = c.req.param('id');
    const event = ctx.state.eventsById.get(id);
    if (event === undefined) throw resourceMissing('event', id);
    return c.json({ data: await webhooks.redeliver(event) });
  });

  app.post('/_emulator/subscriptions/:id/fail-next-charge', (c) => {
    const rec = requireSubscription(ctx, c.req.param('id'));
    rec.failNextCharge = true;
    return c.json({ subscription: rec.subscription.id, fail_next_charge: true });
  });

  app.post('/_emulator/subscriptions/:id/pause', (c) => {
    const rec = requireSubscription(ctx, c.req.param('id'));
    pause(ctx, rec);
    return c.json(rec.subscription);
  });

  app.post('/_emulator/subscriptions/:id/refund-latest', (c) => {
    const rec = requireSubscription(ctx, c.req.param('id'));
    const charge = latestChargeOf(ctx, rec.subscription.id);
    if (charge === null)
      throw invalidRequest(`Subscription ${rec.subscription.id} has no paid charge to refund.`);
    const refund = refundCharge(ctx, charge, undefined);
    return c.json({ refund, charge });
  });

  app.post('/_emulator/customers/:id/card', async (c) => {
    const customer = requireCustomer(ctx, c.req.param('id'));
    const body = await json(c);
    const checked = checkCard(cardInput(body.card ?? body), ctx.state.now);
    if ('problem' in checked) throw invalidRequest(checked.problem.message, 'number', checked.problem.code);
    const problem = refusal(checked.card, 'attach');
    if (problem !== null) {
      throw new EmulatorApiError(402, {
        type: 'card_error',
        code: problem.code,
        decline_code: problem.declineCode ?? 'generic_decline',
        message: problem.message,
      });
    }
    replaceCard(ctx, customer, checked.card);
    const { id, brand, last4, expMonth, expYear } = checked.card;
    return c.json({
      customer: customer.customer,
      card: { id, brand, last4, exp_month: expMonth, exp_year: expYear },
    });
  });

  app.post('/_emulator/checkout/sessions/:id/complete', async (c) => {
    // `card: null` completes a trial session that collects a card only if required, without one.
    const card = (await json(c)).card;
    const result = completeCheckout(
      ctx,
      c.req.param('id'),
      card === null ? null : cardInput(card ?? '4242424242424242'),
    );
    if (result.ok) {
      const { session, subscription, redirectUrl } = result;
      return c.json({ ok: true, session, subscription, redirect_url: redirectUrl });
    }
    const error = {
      type: result.status === 402 ? 'card_error' : 'invalid_request_error',
      message: result.message,
      code: result.code,
      ...(result.declineCode === undefined ? {} : { decline_code: result.declineCode }),
      ...(result.field === null ? {} : { param: result.field }),
    };
    return c.json({ ok: false, error }, result.status);
  });

  app.post('/_emulator/reset', async (c) => {
    const now = (await json(c)).now;
    if (now !== undefined && (typeof now !== 'number' || !Number.isInteger(now))) {
      throw invalidRequest('now must be unix seconds.', 'now');
    }
    emulator.reset(typeof now === 'number' ? now : undefined);
    return c.json({ ok: true, now: ctx.state.now });
  });

  return app;
}
