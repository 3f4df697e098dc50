/** @module `/v1/billing_portal/configurations` and `/v1/webhook_endpoints`: what an account's setup makes. */

import { Hono } from 'hono';
import type Stripe from 'stripe';
import type { EmulatorContext } from '../context';
import { invalidRequest, resourceMissing } from '../errors';
import {
  applyMetadata,
  asObject,
  type FormObject,
  optBool,
  optList,
  optObject,
  optString,
  optStringList,
  reqString,
} from '../form';
import { apiRoute, newestFirst, paginate } from '../http';
import { newId } from '../ids';
import {
  buildPortalConfiguration,
  buildWebhookEndpoint,
  defaultFeatures,
  type PortalFeatures,
} from '../objects/portal';

const CANCEL_REASONS = new Set([
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
]);

function reqBool(params: FormObject, name: string, param: string): boolean {
  const value = optBool(params, name, param);
  if (value === undefined) throw invalidRequest(`Missing required param: ${param}.`, param);
  return value;
}

function oneOf<T extends string>(
  params: FormObject,
  name: string,
  param: string,
  allowed: readonly T[],
): T | undefined {
  const value = optString(params, name, param);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidRequest(`Invalid ${param}: must be one of ${allowed.join(', ')}`, param);
  }
  return value as T;
}

/** `features[…]` merged into `base`, validated as Stripe validates it. */
function featuresParam(ctx: EmulatorContext, raw: FormObject, base: PortalFeatures): PortalFeatures {
  const f: PortalFeatures = structuredClone(base);
  const p = 'features';
  const invoices = optObject(raw, 'invoice_history', `${p}[invoice_history]`);
  if (invoices) f.invoice_history.enabled = reqBool(invoices, 'enabled', `${p}[invoice_history][enabled]`);
  const method = optObject(raw, 'payment_method_update', `${p}[payment_method_update]`);
  if (method)
    f.payment_method_update.enabled = reqBool(method, 'enabled', `${p}[payment_method_update][enabled]`);
  const customer = optObject(raw, 'customer_update', `${p}[customer_update]`);
  if (customer) {
    f.customer_update.enabled = reqBool(customer, 'enabled', `${p}[customer_update][enabled]`);
    const allowed = optStringList(customer, 'allowed_updates');
    if (allowed) f.customer_update.allowed_updates = allowed;
  }
  const cancel = optObject(raw, 'subscription_cancel', `${p}[subscription_cancel]`);
  if (cancel) {
    const param = `${p}[subscription_cancel]`;
    f.subscription_cancel.enabled = reqBool(cancel, 'enabled', `${param}[enabled]`);
    const mode = oneOf(cancel, 'mode', `${param}[mode]`, ['at_period_end', 'immediately'] as const);
    if (mode) f.subscription_cancel.mode = mode;
    const proration = oneOf(cancel, 'proration_behavior', `${param}[proration_behavior]`, [
      'always_invoice',
      'create_prorations',
      'none',
    ] as const);
    if (proration) f.subscription_cancel.proration_behavior = proration;
    const reason = optObject(cancel, 'cancellation_reason', `${param}[cancellation_reason]`);
    if (reason) {
      const rp = `${param}[cancellation_reason]`;
      const enabled = reqBool(reason, 'enabled', `${rp}[enabled]`);
      const options = optStringList(reason, 'options') ?? [];
      if (enabled && options.length === 0) {
        throw invalidRequest('Missing required param: options.', `${rp}[options]`);
      }
      for (const [i, o] of options.entries()) {
        if (!CANCEL_REASONS.has(o))
          throw invalidRequest(`Invalid ${rp}[options][${i}]: ${o}`, `${rp}[options][${i}]`);
      }
      f.subscription_cancel.cancellation_reason = {
        enabled,
        feedback_options: null,
        options: options as never,
      };
    }
  }
  const pause = optObject(raw, 'subscription_pause', `${p}[subscription_pause]`);
  if (pause) {
    const enabled = optBool(pause, 'enabled', `${p}[subscription_pause][enabled]`);
    if (enabled !== undefined) f.subscription_pause.enabled = enabled;
  }
  const update = optObject(raw, 'subscription_update', `${p}[subscription_update]`);
  if (update) {
    const param = `${p}[subscription_update]`;
    f.subscription_update.enabled = reqBool(update, 'enabled', `${param}[enabled]`);
    const allowed = optStringList(update, 'default_allowed_updates');
    if (allowed) {
      for (const a of allowed) {
        if (!['price', 'promotion_code', 'quantity'].includes(a)) {
          throw invalidRequest(
            `Invalid ${param}[default_allowed_updates]: ${a}`,
            `${param}[default_allowed_updates]`,
          );
        }
      }
      f.subscription_update.default_allowed_updates = allowed;
    }
    const proration = oneOf(update, 'proration_behavior', `${param}[proration_behavior]`, [
      'always_invoice',
      'create_prorations',
      'none',
    ] as const);
    if (proration) f.subscription_update.proration_behavior = proration;
    const products = optList(update, 'products');
    if (products) {
      f.subscription_update.products = products.map((entry, i) => {
        const pp = `${param}[products][${i}]`;
        const item = asObject(entry, pp);
        const product = reqString(item, 'product', `${pp}[product]`);
        if (!ctx.state.products.has(product))
          throw invalidRequest(`No such product: '${product}'`, `${pp}[product]`);
        const prices = optStringList(item, 'prices') ?? [];
        if (prices.length === 0) throw invalidRequest('Missing required param: prices.', `${pp}[prices]`);
        for (const price of prices) {
          const found = ctx.state.prices.get(price);
          if (found === undefined) throw invalidRequest(`No such price: '${price}'`, `${pp}[prices]`);
          if (found.product !== product) {
            throw invalidRequest(
              `The price ${price} does not belong to the product ${product}.`,
              `${pp}[prices]`,
            );
          }
          if (found.type !== 'recurring') {
            throw invalidRequest(`The price ${price} is not a recurring price.`, `${pp}[prices]`);
          }
        }
        return { adjustable_quantity: { enabled: false, maximum: null, minimum: 1 }, prices, product };
      });
    }
    // Stripe refuses a plan switch that can switch to nothing.
    const su = f.subscription_update;
    if (su.enabled && su.default_allowed_updates.includes('price') && (su.products ?? []).length === 0) {
      throw invalidRequest(
        'To enable subscription updates with `price` in default_allowed_updates, you must provide at least one product in `features[subscription_update][products]`.',
        `${param}[products]`,
      );
    }
  }
  return f;
}

function requireConfiguration(ctx: EmulatorContext, id: string): Stripe.BillingPortal.Configuration {
  const found = ctx.state.portalConfigurations.get(id);
  if (found === undefined) throw resourceMissing('billing_portal.configuration', id);
  return found;
}

function requireEndpoint(ctx: EmulatorContext, id: string): Stripe.WebhookEndpoint {
  const found = ctx.state.webhookEndpoints.get(id);
  if (found === undefined) throw resourceMissing('webhook_endpoint', id);
  return found;
}

function enabledEventsParam(params: FormObject): string[] {
  const events = optStringList(params, 'enabled_events');
  if (events === undefined || events.length === 0) {
    throw invalidRequest('Missing required param: enabled_events.', 'enabled_events');
  }
  for (const [i, e] of events.entries()) {
    if (e !== '*' && !/^[a-z_]+(\.[a-z_]+)+$/.test(e)) {
      throw invalidRequest(`Invalid enabled_events[${i}]: ${e}`, `enabled_events[${i}]`);
    }
  }
  return events;
}

function urlParam(params: FormObject): string {
  const url = reqString(params, 'url');
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw invalidRequest('Invalid URL: url', 'url');
  return url;
}

export function portalRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  app.post(
    '/v1/billing_portal/configurations',
    apiRoute(ctx, ({ params }) => {
      const raw = optObject(params, 'features');
      if (raw === undefined) throw invalidRequest('Missing required param: features.', 'features');
      const features = featuresParam(ctx, raw, defaultFeatures());
      const profile = optObject(params, 'business_profile');
      const id = newId('bpc');
      const configuration = buildPortalConfiguration({
        id,
        features,
        businessProfile: {
          headline: (profile && optString(profile, 'headline')) || null,
          privacy_policy_url: (profile && optString(profile, 'privacy_policy_url')) || null,
          terms_of_service_url: (profile && optString(profile, 'terms_of_service_url')) || null,
        },
        defaultReturnUrl: optString(params, 'default_return_url') || null,
        metadata: applyMetadata({}, params),
        name: optString(params, 'name') || null,
        now: ctx.state.now,
      });
      ctx.state.portalConfigurations.set(id, configuration);
      return configuration;
    }),
  );

  app.post(
    '/v1/billing_portal/configurations/:id',
    apiRoute(ctx, ({ path, params }) => {
      const configuration = requireConfiguration(ctx, path.id ?? '');
      const raw = optObject(params, 'features');
      if (raw !== undefined) configuration.features = featuresParam(ctx, raw, configuration.features);
      const active = optBool(params, 'active');
      if (active !== undefined) {
        if (!active && configuration.is_default) {
          throw invalidRequest('The default configuration cannot be deactivated.', 'active');
        }
        configuration.active = active;
      }
      const name = optString(params, 'name');
      if (name !== undefined) configuration.name = name || null;
      const returnUrl = optString(params, 'default_return_url');
      if (returnUrl !== undefined) configuration.default_return_url = returnUrl || null;
      configuration.metadata = applyMetadata(configuration.metadata ?? {}, params);
      configuration.updated = ctx.state.now;
      return configuration;
    }),
  );

  app.get(
    '/v1/billing_portal/configurations/:id',
    apiRoute(ctx, ({ path }) => requireConfiguration(ctx, path.id ?? '')),
  );

  app.get(
    '/v1/billing_portal/configurations',
    apiRoute(ctx, ({ params }) => {
      const active = optBool(params, 'active');
      const isDefault = optBool(params, 'is_default');
      const items = newestFirst(ctx.state.portalConfigurations.values()).filter(
        (c) =>
          (active === undefined || c.active === active) &&
          (isDefault === undefined || c.is_default === isDefault),
      );
      return paginate(items, params, '/v1/billing_portal/configurations');
    }),
  );

  app.post(
    '/v1/webhook_endpoints',
    apiRoute(ctx, ({ params }) => {
      const id = newId('we');
      const endpoint = buildWebhookEndpoint({
        id,
        url: urlParam(params),
        enabledEvents: enabledEventsParam(params),
        description: optString(params, 'description') || null,
        apiVersion: optString(params, 'api_version') || null,
        metadata: applyMetadata({}, params),
        now: ctx.state.now,
      });
      ctx.state.webhookEndpoints.set(id, endpoint);
      // The secret is shown once, at creation; the emulator signs every delivery with its one secret.
      return { ...endpoint, secret: ctx.config.webhookSecret };
    }),
  );

  app.post(
    '/v1/webhook_endpoints/:id',
    apiRoute(ctx, ({ path, params }) => {
      const endpoint = requireEndpoint(ctx, path.id ?? '');
      if (params.url !== undefined) endpoint.url = urlParam(params);
      if (params.enabled_events !== undefined) endpoint.enabled_events = enabledEventsParam(params);
      const disabled = optBool(params, 'disabled');
      if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
      const description = optString(params, 'description');
      if (description !== undefined) endpoint.description = description || null;
      endpoint.metadata = applyMetadata(endpoint.metadata, params);
      return endpoint;
    }),
  );

  app.get(
    '/v1/webhook_endpoints/:id',
    apiRoute(ctx, ({ path }) => requireEndpoint(ctx, path.id ?? '')),
  );

  app.delete(
    '/v1/webhook_endpoints/:id',
    apiRoute(ctx, ({ path }) => {
      const endpoint = requireEndpoint(ctx, path.id ?? '');
      ctx.state.webhookEndpoints.delete(endpoint.id);
      return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
    }),
  );

  app.get(
    '/v1/webhook_endpoints',
    apiRoute(ctx, ({ params }) =>
      paginate(newestFirst(ctx.state.webhookEndpoints.values()), params, '/v1/webhook_endpoints'),
    ),
  );

  return app;
}
