/** @module `/v1/checkout/sessions` (subscription mode) and `/v1/billing_portal/sessions`. */

import { Hono } from 'hono';
import type Stripe from 'stripe';
import { requireCustomer } from '../billing';
import { DAY, MAX_TRIAL_LEAD_SECONDS, MIN_TRIAL_LEAD_SECONDS } from '../constants';
import type { EmulatorContext } from '../context';
import { invalidRequest, missingReference, resourceMissing } from '../errors';
import { emit } from '../events';
import {
  applyMetadata,
  asObject,
  type FormObject,
  optBool,
  optInt,
  optList,
  optObject,
  optString,
  reqString,
} from '../form';
import { apiRoute, matchesCreated, newestFirst, paginate } from '../http';
import { newId } from '../ids';
import { buildCheckoutSession, buildPortalSession } from '../objects/checkout';
import { DEFAULT_PORTAL_CONFIGURATION } from '../objects/portal';
import { createPaymentSession } from '../payment-checkout';
import { portalFlow } from '../portal-flow';
import { sessionCurrency, taxParams } from './checkout-tax';

function optUrl(params: FormObject, name: string): string | null {
  const value = optString(params, name);
  if (value === undefined || value === '') return null;
  if (!URL.canParse(value.replaceAll('{CHECKOUT_SESSION_ID}', 'cs')))
    throw invalidRequest('Not a valid URL', name);
  return value;
}

/** `subscription_data[trial_end]` (≥ 48 h ahead, as Stripe demands) or `[trial_period_days]`. */
function trialEndOf(data: FormObject | undefined, now: number): number | null {
  if (data === undefined) return null;
  const end = optInt(data, 'trial_end', 'subscription_data[trial_end]');
  const days = optInt(data, 'trial_period_days', 'subscription_data[trial_period_days]');
  if (end !== undefined && days !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: subscription_data[trial_end], subscription_data[trial_period_days].',
      'subscription_data[trial_end]',
    );
  }
  if (days !== undefined) {
    if (days < 1 || days > 730) {
      throw invalidRequest(
        'trial_period_days must be between 1 and 730.',
        'subscription_data[trial_period_days]',
      );
    }
    return now + days * DAY;
  }
  if (end === undefined) return null;
  if (end < now + MIN_TRIAL_LEAD_SECONDS) {
    throw invalidRequest(
      '`subscription_data[trial_end]` must be at least 48 hours in the future.',
      'subscription_data[trial_end]',
    );
  }
  if (end > now + MAX_TRIAL_LEAD_SECONDS) {
    throw invalidRequest(
      '`subscription_data[trial_end]` cannot be more than 730 days in the future.',
      'subscription_data[trial_end]',
    );
  }
  return end;
}

/** `subscription_data[trial_settings][end_behavior][missing_payment_method]`. */
function missingPaymentMethodOf(data: FormObject | undefined) {
  const settings = data === undefined ? undefined : optObject(data, 'trial_settings');
  const behavior = settings === undefined ? undefined : optObject(settings, 'end_behavior');
  const param = 'subscription_data[trial_settings][end_behavior][missing_payment_method]';
  const value = behavior === undefined ? undefined : optString(behavior, 'missing_payment_method', param);
  if (value === undefined) return undefined;
  if (value !== 'cancel' && value !== 'create_invoice' && value !== 'pause') {
    throw invalidRequest(`Invalid ${param}: ${value}`, param);
  }
  return value;
}

export function checkoutRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  app.post(
    '/v1/checkout/sessions',
    apiRoute(ctx, ({ params }) => {
      const now = ctx.state.now;
      const mode = reqString(params, 'mode');
      if (mode === 'payment') {
        const customer = optString(params, 'customer') || null;
        if (customer !== null && ctx.state.customers.get(customer)?.deleted !== false) {
          throw missingReference('customer', customer, 'customer');
        }
        return createPaymentSession(ctx, params, {
          customer,
          customerEmail: customer === null ? optString(params, 'customer_email') || null : null,
          successUrl: optUrl(params, 'success_url'),
          cancelUrl: optUrl(params, 'cancel_url'),
          clientReferenceId: optString(params, 'client_reference_id') || null,
          lines: optList(params, 'line_items') ?? [],
        });
      }
      if (mode !== 'subscription') {
        throw invalidRequest(`The emulator supports only mode=subscription, not ${mode}.`, 'mode');
      }
      const lines = optList(params, 'line_items');
      if (lines === undefined || lines.length === 0) {
        throw invalidRequest('line_items is required in subscription mode.', 'line_items');
      }
      if (lines.length > 1) throw invalidRequest('The emulator supports one line item.', 'line_items[1]');
      const line = asObject(lines[0], 'line_items[0]');
      const priceId = reqString(line, 'price', 'line_items[0][price]');
      const price = ctx.state.prices.get(priceId);
      if (price === undefined) throw missingReference('price', priceId, 'line_items[0][price]');
      if (price.type !== 'recurring') {
        throw invalidRequest('In subscription mode, every price must be recurring.', 'line_items[0][price]');
      }
      const quantity = optInt(line, 'quantity', 'line_items[0][quantity]');
      if (quantity === undefined) {
        throw invalidRequest(
          'Quantity is required. Add `quantity` to `line_items[0]`',
          'line_items[0][quantity]',
        );
      }
      if (quantity < 1) throw invalidRequest('Quantity must be at least 1.', 'line_items[0][quantity]');
      const customerId = optString(params, 'customer') || null;
      if (customerId !== null) {
        const rec = ctx.state.customers.get(customerId);
        if (rec === undefined || rec.deleted) throw missingReference('customer', customerId, 'customer');
      }
      const customerEmail = optString(params, 'customer_email') || null;
      if (customerId !== null && customerEmail !== null) {
        throw invalidRequest(
          'You may only specify one of these parameters: customer, customer_email.',
          'customer',
        );
      }
      const subscriptionData = optObject(params, 'subscription_data');
      const trialEnd = trialEndOf(subscriptionData, now);
      const collection = optString(params, 'payment_method_collection');
      if (collection !== undefined && collection !== 'always' && collection !== 'if_required') {
        throw invalidRequest(`Invalid payment_method_collection: ${collection}`, 'payment_method_collection');
      }
      const missingPaymentMethod = missingPaymentMethodOf(subscriptionData);
      const clientReferenceId = optString(params, 'client_reference_id') || null;
      if (clientReferenceId !== null && clientReferenceId.length > 200) {
        throw invalidRequest('client_reference_id must be at most 200 characters.', 'client_reference_id');
      }
      const priced = sessionCurrency(ctx, params, price);
      const tax = taxParams(ctx, params, customerId);
      const id = newId('cs_test');
      const session = buildCheckoutSession({
        id,
        url: `${ctx.config.baseUrl}/checkout/${id}`,
        customer: customerId,
        customerEmail,
        amountTotal: trialEnd === null ? priced.amount * quantity : 0,
        currency: priced.currency,
        tax,
        successUrl: optUrl(params, 'success_url'),
        cancelUrl: optUrl(params, 'cancel_url'),
        clientReferenceId,
        metadata: applyMetadata({}, params),
        allowPromotionCodes: optBool(params, 'allow_promotion_codes') ?? null,
        trial: trialEnd !== null,
        now,
      });
      ctx.state.checkoutSessions.set(id, {
        session,
        priceId,
        quantity,
        trialEnd,
        subscriptionMetadata: subscriptionData === undefined ? {} : applyMetadata({}, subscriptionData),
        ...(collection === undefined ? {} : { paymentMethodCollection: collection }),
        ...(missingPaymentMethod === undefined ? {} : { missingPaymentMethod }),
      });
      if (collection !== undefined) session.payment_method_collection = collection;
      return session;
    }),
  );

  app.get(
    '/v1/checkout/sessions/:id',
    apiRoute(ctx, ({ path }) => {
      const id = path.id ?? '';
      const rec = ctx.state.checkoutSessions.get(id);
      if (rec === undefined) throw resourceMissing('checkout.session', id);
      return rec.session;
    }),
  );

  app.get(
    '/v1/checkout/sessions/:id/line_items',
    apiRoute(ctx, ({ path, params }) => {
      const id = path.id ?? '';
      const rec = ctx.state.checkoutSessions.get(id);
      if (rec === undefined) throw resourceMissing('checkout.session', id);
      const price = ctx.state.prices.get(rec.priceId) ?? null;
      const unit =
        price === null
          ? 0
          : rec.session.currency === price.currency
            ? (price.unit_amount ?? 0)
            : (ctx.state.currencyOptions.get(price.id)?.[rec.session.currency ?? '']?.unit_amount ?? 0);
      const amount = unit * rec.quantity;
      const item: Stripe.LineItem = {
        id: `li_${id.slice('cs_test_'.length)}`,
        object: 'item',
        adjustable_quantity: null,
        amount_discount: 0,
        amount_subtotal: amount,
        amount_tax: 0,
        amount_total: amount,
        currency: rec.session.currency ?? price?.currency ?? 'usd',
        description: price?.nickname ?? null,
        metadata: {},
        price,
        quantity: rec.quantity,
      };
      return paginate([item], params, `/v1/checkout/sessions/${id}/line_items`);
    }),
  );

  app.post(
    '/v1/checkout/sessions/:id/expire',
    apiRoute(ctx, ({ path }) => {
      const id = path.id ?? '';
      const rec = ctx.state.checkoutSessions.get(id);
      if (rec === undefined) throw resourceMissing('checkout.session', id);
      const session = rec.session;
      if (session.status !== 'open') {
        throw invalidRequest(
          `Only Checkout Sessions with a status in ["open"] can be expired. This one is ${session.status}.`,
        );
      }
      session.status = 'expired';
      session.url = null;
      emit(ctx, 'checkout.session.expired', session, { status: 'open' });
      return session;
    }),
  );

  app.get(
    '/v1/checkout/sessions',
    apiRoute(ctx, ({ params }) => {
      const customer = optString(params, 'customer');
      const subscription = optString(params, 'subscription');
      const status = optString(params, 'status');
      const items = newestFirst(ctx.state.checkoutSessions.values())
        .map((r) => r.session)
        .filter(
          (s) =>
            (customer === undefined || s.customer === customer) &&
            (subscription === undefined || s.subscription === subscription) &&
            (status === undefined || s.status === status) &&
            matchesCreated(s.created, params),
        );
      return paginate(items, params, '/v1/checkout/sessions');
    }),
  );

  app.post(
    '/v1/billing_portal/sessions',
    apiRoute(ctx, ({ params }) => {
      const customerId = reqString(params, 'customer');
      try {
        requireCustomer(ctx, customerId);
      } catch {
        throw missingReference('customer', customerId, 'customer');
      }
      const returnUrl = optUrl(params, 'return_url');
      const configuration = optString(params, 'configuration') || DEFAULT_PORTAL_CONFIGURATION;
      const saved = ctx.state.portalConfigurations.get(configuration);
      if (saved === undefined && configuration !== DEFAULT_PORTAL_CONFIGURATION) {
        throw missingReference('billing_portal.configuration', configuration, 'configuration');
      }
      if (saved !== undefined && !saved.active) {
        throw invalidRequest(
          `The configuration \`${configuration}\` is not active. Use an active configuration.`,
          'configuration',
        );
      }
      const flow = portalFlow(ctx, customerId, params);
      const id = newId('bps');
      const session = buildPortalSession(
        id,
        customerId,
        configuration,
        returnUrl,
        `${ctx.config.baseUrl}/portal/${id}`,
        ctx.state.now,
      );
      session.flow = flow;
      ctx.state.portalSessions.set(id, session);
      return session;
    }),
  );

  return app;
}
