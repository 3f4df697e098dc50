/** @module Checkout's currency and Stripe Tax parameters, validated as Stripe validates them. */

import type Stripe from 'stripe';
import type { EmulatorContext } from '../context';
import { invalidRequest } from '../errors';
import { type FormObject, optBool, optObject, optString } from '../form';
import { priceIn } from '../objects/catalog';
import type { CheckoutTax } from '../objects/checkout';

/** `currency`: the price's own, or one of its `currency_options`; the session is then in it. */
export function sessionCurrency(
  ctx: EmulatorContext,
  params: FormObject,
  price: Stripe.Price,
): { currency: string; amount: number } {
  const wanted = optString(params, 'currency');
  if (wanted === undefined || wanted === '')
    return { currency: price.currency, amount: price.unit_amount ?? 0 };
  const currency = wanted.toLowerCase();
  const found = priceIn(ctx.state.currencyOptions.get(price.id), price, currency);
  if (found === null) {
    throw invalidRequest(
      `The price \`${price.id}\` does not have a currency option for \`${currency}\`. Add it to the price's \`currency_options\` or pass a currency the price supports.`,
      'currency',
    );
  }
  return { currency, amount: found.amount };
}

function choice<T extends string>(
  params: FormObject,
  name: string,
  param: string,
  allowed: readonly T[],
): T | undefined {
  const value = optString(params, name, param);
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidRequest(`Invalid ${param}: must be one of ${allowed.join(', ')}`, param);
  }
  return value as T;
}

/**
 * `automatic_tax[enabled]`, `billing_address_collection`, `tax_id_collection[enabled]` and
 * `customer_update`: with an existing customer Stripe demands that Checkout may save the address
 * (for tax) and the name (for a tax id) on it.
 */
export function taxParams(ctx: EmulatorContext, params: FormObject, customerId: string | null): CheckoutTax {
  const automaticTax = optObject(params, 'automatic_tax');
  const automatic =
    automaticTax === undefined
      ? false
      : (optBool(automaticTax, 'enabled', 'automatic_tax[enabled]') ?? false);
  if (automaticTax !== undefined && optString(automaticTax, 'enabled') === undefined) {
    throw invalidRequest('Missing required param: automatic_tax[enabled].', 'automatic_tax[enabled]');
  }
  const billingAddressCollection =
    choice(params, 'billing_address_collection', 'billing_address_collection', [
      'auto',
      'required',
    ] as const) ?? null;
  const taxIds = optObject(params, 'tax_id_collection');
  const taxIdCollection =
    taxIds === undefined ? false : (optBool(taxIds, 'enabled', 'tax_id_collection[enabled]') ?? false);
  const update = optObject(params, 'customer_update');
  if (update !== undefined && customerId === null) {
    throw invalidRequest('`customer_update` can only be used with `customer`.', 'customer_update');
  }
  const address = update && choice(update, 'address', 'customer_update[address]', ['auto', 'never'] as const);
  const shipping =
    update && choice(update, 'shipping', 'customer_update[shipping]', ['auto', 'never'] as const);
  const name = update && choice(update, 'name', 'customer_update[name]', ['auto', 'never'] as const);
  if (customerId !== null) {
    const customer = ctx.state.customers.get(customerId)?.customer;
    if (automatic && !customer?.address && address !== 'auto' && shipping !== 'auto') {
      throw invalidRequest(
        "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address to the Customer or set either `customer_update[address]` to 'auto' or `customer_update[shipping]` to 'auto' to save the address entered in Checkout to the Customer.",
        'automatic_tax[enabled]',
      );
    }
    if (taxIdCollection && name !== 'auto') {
      throw invalidRequest(
        'Tax ID collection requires updating business name on the customer. To enable tax ID collection for an existing customer, please set `customer_update[name]` to `auto`.',
        'tax_id_collection[enabled]',
      );
    }
  }
  return { automatic, billingAddressCollection, taxIdCollection };
}
