/**
 * @module The plans' prices in the reader's currency (Stripe prices with `currency_options`), the
 * currency chosen from the reader's country, and what Checkout is told of currency and Stripe Tax.
 */
import type { Context } from 'hono';
import type { AppContext } from '../../app/context';
import { ApiError } from '../../app/errors';
import {
  chooseCurrency,
  formatAmount,
  regionOfAcceptLanguage,
  type TaxNote,
  taxNote,
} from '../../domain/currency';
import { PLANS, type Plan } from '../../domain/membership';
import { priceOfPlan } from './snapshot';
import { callStripe, type Stripe } from './stripe';

export interface PlanPrice {
  plan: Plan;
  priceId: string;
  /** In the currency's minor unit, as Stripe counts it. */
  amount: number;
  currency: string;
  interval: string;
  intervalCount: number;
  taxBehavior: string | null;
  /** `€8.99`. */
  display: string;
  tax: TaxNote;
}

export interface PlanPrices {
  currency: string;
  /** Every currency both plans can be bought in. */
  currencies: string[];
  automaticTax: boolean;
  /** Checkout takes promotion codes (`allow_promotion_codes`). */
  promotionCodes: boolean;
  plans: PlanPrice[];
}

/** How long a Stripe price is reused before it is fetched again (per isolate or process). */
const PRICE_TTL_MS = 5 * 60_000;
const priceCache = new Map<string, { price: Stripe.Price; until: number }>();

async function fetchPrice(ctx: AppContext, id: string): Promise<Stripe.Price> {
  const now = Date.now();
  const cached = priceCache.get(id);
  if (cached && cached.until > now) return cached.price;
  const price = await callStripe(ctx, 'prices.retrieve', (stripe) =>
    stripe.prices.retrieve(id, { expand: ['currency_options'] }),
  );
  priceCache.set(id, { price, until: now + PRICE_TTL_MS });
  return price;
}

/** The amount and tax behaviour of `price` in `currency` (its own, or one of its currency options). */
function inCurrency(
  price: Stripe.Price,
  currency: string,
): { amount: number; taxBehavior: string | null } | null {
  if (currency === price.currency) return { amount: price.unit_amount ?? 0, taxBehavior: price.tax_behavior };
  const option = price.currency_options?.[currency];
  if (!option || option.unit_amount === null) return null;
  return { amount: option.unit_amount, taxBehavior: option.tax_behavior };
}

function currenciesOf(price: Stripe.Price): string[] {
  return [price.currency, ...Object.keys(price.currency_options ?? {}).filter((c) => c !== price.currency)];
}

/**
 * The reader's country: Cloudflare's (`request.cf.country`, or the `cf-ipcountry` header it sets) on
 * Workers, and on Node behind a trusted proxy; otherwise the region of their `Accept-Language`.
 */
export function readerCountry(c: Context, ctx: AppContext): string | null {
  const cf = (c.req.raw as { cf?: { country?: unknown } }).cf;
  if (typeof cf?.country === 'string') return cf.country;
  const onWorkers = typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers';
  const header = c.req.header('cf-ipcountry');
  if (header && (onWorkers || ctx.config.node.trustProxy)) return header;
  return regionOfAcceptLanguage(c.req.header('accept-language'));
}

/**
 * Both plans' prices in `currency` when given (400 when the prices do not offer it), else in the
 * currency of `country` when offered, else the configured default, else the prices' own.
 */
export async function planPrices(
  ctx: AppContext,
  choice: { currency?: string | undefined; country?: string | null },
): Promise<PlanPrices> {
  const prices = await Promise.all(PLANS.map((plan) => fetchPrice(ctx, priceOfPlan(ctx.config, plan))));
  const [first, ...rest] = prices.map(currenciesOf);
  const currencies = (first ?? []).filter((c) => rest.every((list) => list.includes(c)));
  let currency: string | null;
  if (choice.currency !== undefined) {
    currency = choice.currency.toLowerCase();
    if (!currencies.includes(currency)) {
      throw new ApiError('invalid_request', `The plans are not sold in ${currency}.`, {
        errors: [{ path: 'currency', message: `must be one of ${currencies.join(', ')}` }],
      });
    }
  } else {
    currency = chooseCurrency(currencies, choice.country ?? null, ctx.config.stripe.defaultCurrency);
  }
  if (currency === null) throw new ApiError('unavailable', 'The plans have no price yet.');
  const automaticTax = ctx.config.stripe.automaticTax;
  const plans = prices.map((price, i): PlanPrice => {
    const found = inCurrency(price, currency) ?? { amount: 0, taxBehavior: null };
    return {
      plan: PLANS[i] as Plan,
      priceId: price.id,
      amount: found.amount,
      currency,
      interval: price.recurring?.interval ?? 'month',
      intervalCount: price.recurring?.interval_count ?? 1,
      taxBehavior: found.taxBehavior,
      display: formatAmount(found.amount, currency),
      tax: taxNote(automaticTax, found.taxBehavior),
    };
  });
  return { currency, currencies, automaticTax, promotionCodes: true, plans };
}

/**
 * What Checkout is told beyond the line items: the currency shown to the reader, and with Stripe
 * Tax on, automatic tax from the billing address with tax ids collected, both saved on the
 * (existing) customer as Stripe requires.
 */
export function checkoutPricing(
  ctx: AppContext,
  currency: string | undefined,
): Pick<
  Stripe.Checkout.SessionCreateParams,
  'currency' | 'automatic_tax' | 'billing_address_collection' | 'tax_id_collection' | 'customer_update'
> {
  return {
    ...(currency ? { currency } : {}),
    ...(ctx.config.stripe.automaticTax
      ? {
          automatic_tax: { enabled: true },
          billing_address_collection: 'required',
          tax_id_collection: { enabled: true },
          customer_update: { address: 'auto', name: 'auto' },
        }
      : {}),
  };
}
