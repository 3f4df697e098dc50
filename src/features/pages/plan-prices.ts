/** @module The prices the subscribe page shows: the plans in the reader's currency, or none when Stripe cannot say. */
import type { Context } from 'hono';
import type { AppEnv } from '../../app/env';
import { ApiError } from '../../app/errors';
import { planPrices, readerCountry } from '../billing';
import type { SubscribePrices } from './views/membership';

/** The plans' prices for this reader; null (the page then says Stripe shows them) when Stripe is unavailable. */
export async function subscribePrices(c: Context<AppEnv>): Promise<SubscribePrices | null> {
  const ctx = c.get('ctx');
  try {
    const prices = await planPrices(ctx, { country: readerCountry(c, ctx) });
    return {
      currency: prices.currency,
      promotionCodes: prices.promotionCodes,
      plans: Object.fromEntries(prices.plans.map((p) => [p.plan, { display: p.display, tax: p.tax }])),
    };
  } catch (err) {
    if (err instanceof ApiError) return null;
    throw err;
  }
}

/** The currency the form carries back, when the prices still offer it; else Checkout's default. */
export async function submittedCurrency(
  c: Context<AppEnv>,
  value: string | undefined,
): Promise<string | undefined> {
  if (!value || !/^[A-Za-z]{3}$/.test(value)) return undefined;
  try {
    return (await planPrices(c.get('ctx'), { currency: value })).currency;
  } catch (err) {
    if (err instanceof ApiError) return undefined;
    throw err;
  }
}
