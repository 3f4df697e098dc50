/** @module `/v1/prices`, `/v1/products` and `/v1/coupons`: the preconfigured catalog, and what a setup script makes. */

import { Hono } from 'hono';
import type Stripe from 'stripe';
import type { EmulatorContext } from '../context';
import { invalidRequest, missingReference, resourceMissing } from '../errors';
import {
  applyMetadata,
  asObject,
  type FormObject,
  optBool,
  optInt,
  optObject,
  optString,
  optStringList,
  reqString,
} from '../form';
import { apiRoute, newestFirst, paginate } from '../http';
import { newId } from '../ids';
import { buildPrice, buildProduct, currencyOption } from '../objects/catalog';
import { buildCoupon } from '../objects/portal';

/** Currencies the emulator accepts (a subset of Stripe's); amounts are in each one's minor unit. */
const CURRENCIES = new Set([
  'usd',
  'eur',
  'gbp',
  'cad',
  'aud',
  'nzd',
  'chf',
  'sek',
  'nok',
  'dkk',
  'pln',
  'czk',
  'jpy',
  'inr',
  'brl',
  'mxn',
  'sgd',
  'hkd',
]);
const TAX_BEHAVIORS = new Set(['inclusive', 'exclusive', 'unspecified']);
const INTERVALS = new Set(['day', 'week', 'month', 'year']);

function currencyParam(value: string, param: string): string {
  if (!CURRENCIES.has(value)) throw invalidRequest(`Invalid currency: ${value}.`, param);
  return value;
}

function taxBehaviorParam(params: FormObject, param: string): Stripe.Price.TaxBehavior | undefined {
  const value = optString(params, 'tax_behavior', param);
  if (value === undefined) return undefined;
  if (!TAX_BEHAVIORS.has(value)) {
    throw invalidRequest(`Invalid tax_behavior: must be one of inclusive, exclusive, or unspecified`, param);
  }
  return value as Stripe.Price.TaxBehavior;
}

/** `currency_options[eur][unit_amount]=…`: each currency other than the price's own. */
function currencyOptionsParam(
  params: FormObject,
  own: string,
  ownAmount: number,
  ownTax: Stripe.Price.TaxBehavior,
): Record<string, Stripe.Price.CurrencyOptions> {
  const out: Record<string, Stripe.Price.CurrencyOptions> = { [own]: currencyOption(ownAmount, ownTax) };
  const given = optObject(params, 'currency_options');
  if (given === undefined) return out;
  for (const [currency, raw] of Object.entries(given)) {
    const param = `currency_options[${currency}]`;
    currencyParam(currency, param);
    const option = asObject(raw, param);
    const amount = optInt(option, 'unit_amount', `${param}[unit_amount]`);
    if (amount === undefined) throw invalidRequest(`Missing required param: ${param}[unit_amount].`, param);
    if (amount < 0)
      throw invalidRequest('This value must be greater than or equal to 0.', `${param}[unit_amount]`);
    out[currency] = currencyOption(
      amount,
      taxBehaviorParam(option, `${param}[tax_behavior]`) ?? 'unspecified',
    );
  }
  return out;
}

function lookupKeyParam(ctx: EmulatorContext, params: FormObject, priceId: string | null): string | null {
  const key = optString(params, 'lookup_key');
  if (key === undefined || key === '') return null;
  if (key.length > 200) throw invalidRequest('lookup_key must be at most 200 characters.', 'lookup_key');
  const holder = [...ctx.state.prices.values()].find((p) => p.lookup_key === key && p.id !== priceId);
  if (holder !== undefined) {
    if (optBool(params, 'transfer_lookup_key') !== true) {
      throw invalidRequest(
        `A price (\`${holder.id}\`) already uses that lookup key. Pass \`transfer_lookup_key=true\` to transfer it to this price.`,
        'lookup_key',
      );
    }
    holder.lookup_key = null;
  }
  return key;
}

/** A price as the API answers it: `currency_options` only when expanded, as Stripe's includable field. */
function priceView(
  ctx: EmulatorContext,
  price: Stripe.Price,
  expand: string[],
  prefix: string,
): Stripe.Price {
  if (!expand.includes(`${prefix}currency_options`)) return price;
  return { ...price, currency_options: ctx.state.currencyOptions.get(price.id) ?? {} };
}

function requirePrice(ctx: EmulatorContext, id: string): Stripe.Price {
  const price = ctx.state.prices.get(id);
  if (price === undefined) throw resourceMissing('price', id);
  return price;
}

export function catalogRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  app.post(
    '/v1/prices',
    apiRoute(ctx, ({ params }) => {
      const currency = currencyParam(reqString(params, 'currency'), 'currency');
      const productId = optString(params, 'product');
      if (productId === undefined || productId === '')
        throw invalidRequest('Missing required param: product.', 'product');
      if (!ctx.state.products.has(productId)) throw missingReference('product', productId, 'product');
      const amount = optInt(params, 'unit_amount');
      if (amount === undefined) throw invalidRequest('Missing required param: unit_amount.', 'unit_amount');
      if (amount < 0) throw invalidRequest('This value must be greater than or equal to 0.', 'unit_amount');
      const recurring = optObject(params, 'recurring');
      type Interval = 'day' | 'week' | 'month' | 'year';
      let interval: Interval | null = null;
      let intervalCount = 1;
      if (recurring !== undefined) {
        const value = reqString(recurring, 'interval', 'recurring[interval]');
        if (!INTERVALS.has(value))
          throw invalidRequest(`Invalid recurring[interval]: ${value}`, 'recurring[interval]');
        interval = value as Interval;
        intervalCount = optInt(recurring, 'interval_count', 'recurring[interval_count]') ?? 1;
      }
      const taxBehavior = taxBehaviorParam(params, 'tax_behavior') ?? 'unspecified';
      const id = newId('price');
      const options = currencyOptionsParam(params, currency, amount, taxBehavior);
      const price = buildPrice({
        id,
        nickname: optString(params, 'nickname') ?? null,
        amount,
        interval,
        intervalCount,
        currency,
        product: productId,
        lookupKey: lookupKeyParam(ctx, params, null),
        metadata: applyMetadata({}, params),
        taxBehavior,
        now: ctx.state.now,
      });
      ctx.state.prices.set(id, price);
      ctx.state.currencyOptions.set(id, options);
      return priceView(ctx, price, optStringList(params, 'expand') ?? [], '');
    }),
  );

  app.post(
    '/v1/prices/:id',
    apiRoute(ctx, ({ path, params }) => {
      const price = requirePrice(ctx, path.id ?? '');
      const active = optBool(params, 'active');
      if (active !== undefined) price.active = active;
      const nickname = optString(params, 'nickname');
      if (nickname !== undefined) price.nickname = nickname || null;
      if (params.lookup_key !== undefined) price.lookup_key = lookupKeyParam(ctx, params, price.id);
      price.metadata = applyMetadata(price.metadata, params);
      return priceView(ctx, price, optStringList(params, 'expand') ?? [], '');
    }),
  );

  app.get(
    '/v1/prices/:id',
    apiRoute(ctx, ({ path, params }) =>
      priceView(ctx, requirePrice(ctx, path.id ?? ''), optStringList(params, 'expand') ?? [], ''),
    ),
  );

  app.get(
    '/v1/prices',
    apiRoute(ctx, ({ params }) => {
      const active = optBool(params, 'active');
      const product = optString(params, 'product');
      const type = optString(params, 'type');
      const currency = optString(params, 'currency');
      const lookupKeys = optStringList(params, 'lookup_keys');
      if (lookupKeys !== undefined && lookupKeys.length > 10) {
        throw invalidRequest('You can specify up to 10 lookup_keys.', 'lookup_keys');
      }
      const expand = optStringList(params, 'expand') ?? [];
      const items = newestFirst(ctx.state.prices.values()).filter(
        (p) =>
          (active === undefined || p.active === active) &&
          (product === undefined || p.product === product) &&
          (type === undefined || p.type === type) &&
          (currency === undefined || p.currency === currency) &&
          (lookupKeys === undefined || (p.lookup_key !== null && lookupKeys.includes(p.lookup_key))),
      );
      const page = paginate(items, params, '/v1/prices');
      return { ...page, data: page.data.map((p) => priceView(ctx, p, expand, 'data.')) };
    }),
  );

  app.post(
    '/v1/products',
    apiRoute(ctx, ({ params }) => {
      const name = reqString(params, 'name');
      const id = optString(params, 'id') || newId('prod');
      if (ctx.state.products.has(id)) {
        throw invalidRequest(`Product already exists.`, 'id', 'resource_already_exists');
      }
      const product: Stripe.Product = {
        ...buildProduct(ctx.state.now),
        id,
        name,
        description: optString(params, 'description') || null,
        default_price: null,
        metadata: applyMetadata({}, params),
      };
      ctx.state.products.set(id, product);
      return product;
    }),
  );

  app.post(
    '/v1/products/:id',
    apiRoute(ctx, ({ path, params }) => {
      const id = path.id ?? '';
      const product = ctx.state.products.get(id);
      if (product === undefined) throw resourceMissing('product', id);
      const name = optString(params, 'name');
      if (name !== undefined && name !== '') product.name = name;
      const description = optString(params, 'description');
      if (description !== undefined) product.description = description || null;
      const defaultPrice = optString(params, 'default_price');
      if (defaultPrice !== undefined) {
        if (!ctx.state.prices.has(defaultPrice))
          throw missingReference('price', defaultPrice, 'default_price');
        product.default_price = defaultPrice;
      }
      product.metadata = applyMetadata(product.metadata, params);
      product.updated = ctx.state.now;
      return product;
    }),
  );

  app.get(
    '/v1/products/:id',
    apiRoute(ctx, ({ path }) => {
      const id = path.id ?? '';
      const product = ctx.state.products.get(id);
      if (product === undefined) throw resourceMissing('product', id);
      return product;
    }),
  );

  app.get(
    '/v1/products',
    apiRoute(ctx, ({ params }) => {
      const ids = optStringList(params, 'ids');
      const items = newestFirst(ctx.state.products.values()).filter(
        (p) => ids === undefined || ids.includes(p.id),
      );
      return paginate(items, params, '/v1/products');
    }),
  );

  app.post(
    '/v1/coupons',
    apiRoute(ctx, ({ params }) => {
      const id = optString(params, 'id') || newId('coupon').slice('coupon_'.length, 'coupon_'.length + 8);
      if (ctx.state.coupons.has(id)) {
        throw invalidRequest('Coupon already exists.', 'id', 'resource_already_exists');
      }
      const percentOff = optString(params, 'percent_off');
      const amountOff = optInt(params, 'amount_off');
      if ((percentOff === undefined) === (amountOff === undefined)) {
        throw invalidRequest('You must pass exactly one of percent_off or amount_off.', 'percent_off');
      }
      const percent = percentOff === undefined ? null : Number(percentOff);
      if (percent !== null && !(percent > 0 && percent <= 100)) {
        throw invalidRequest('percent_off must be between 0 and 100.', 'percent_off');
      }
      const currency = optString(params, 'currency');
      if (amountOff !== undefined && currency === undefined) {
        throw invalidRequest('You must pass currency when passing amount_off.', 'currency');
      }
      const duration = (optString(params, 'duration') ?? 'once') as Stripe.Coupon.Duration;
      if (!['once', 'repeating', 'forever'].includes(duration)) {
        throw invalidRequest(`Invalid duration: ${duration}`, 'duration');
      }
      const months = optInt(params, 'duration_in_months') ?? null;
      if (duration === 'repeating' && months === null) {
        throw invalidRequest(
          'duration_in_months is required when duration is repeating.',
          'duration_in_months',
        );
      }
      const coupon = buildCoupon({
        id,
        name: optString(params, 'name') || null,
        percentOff: percent,
        amountOff: amountOff ?? null,
        currency: currency === undefined ? null : currencyParam(currency, 'currency'),
        duration,
        durationInMonths: duration === 'repeating' ? months : null,
        metadata: applyMetadata({}, params),
        now: ctx.state.now,
      });
      ctx.state.coupons.set(id, coupon);
      return coupon;
    }),
  );

  app.get(
    '/v1/coupons/:id',
    apiRoute(ctx, ({ path }) => {
      const id = path.id ?? '';
      const coupon = ctx.state.coupons.get(id);
      if (coupon === undefined) throw resourceMissing('coupon', id);
      return coupon;
    }),
  );

  return app;
}
