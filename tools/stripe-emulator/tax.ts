/**
 * @module Stripe Tax, as the emulator computes it: a subscription with `automatic_tax[enabled]`
 * is taxed by its customer's billing country at that country's standard VAT rate, on top of
 * tax-exclusive prices (what `npm run stripe:setup` makes), shown as Stripe shows it
 * (`total_taxes`, line `taxes`, `total_excluding_tax`); a country where the account collects no
 * tax is taxed 0 (`not_collecting`). The rates are a fixed test table, not Stripe's live ones.
 */
import type Stripe from 'stripe';

/** Standard rates in percent for the countries the emulator collects tax in. */
export const TAX_RATES: Readonly<Record<string, number>> = {
  AT: 20,
  BE: 21,
  DE: 19,
  ES: 21,
  FR: 20,
  GB: 20,
  IE: 23,
  IT: 22,
  NL: 21,
  SE: 25,
};

export interface Tax {
  amount: number;
  country: string | null;
  reason: Stripe.Invoice.TotalTax.TaxabilityReason;
}

/** The tax on `amount` (minor units, exclusive) for a customer's billing country. */
export function taxOn(amount: number, country: string | null | undefined): Tax {
  const rate = country ? TAX_RATES[country] : undefined;
  if (rate === undefined || amount === 0)
    return {
      amount: 0,
      country: country ?? null,
      reason: rate === undefined ? 'not_collecting' : 'standard_rated',
    };
  return { amount: Math.round((amount * rate) / 100), country: country ?? null, reason: 'standard_rated' };
}

/** Adds `tax` to a drafted invoice of `amount` before tax, as Stripe Tax shows it. */
export function applyTax(invoice: Stripe.Invoice, tax: Tax): void {
  const taxable = invoice.total;
  const entry = {
    amount: tax.amount,
    tax_behavior: 'exclusive' as const,
    tax_rate_details: { tax_rate: `txr_emulator_${tax.country ?? 'none'}` },
    taxability_reason: tax.reason,
    taxable_amount: taxable,
    type: 'tax_rate_details' as const,
  };
  invoice.automatic_tax = {
    disabled_reason: null,
    enabled: true,
    liability: { type: 'self' },
    provider: 'stripe',
    status: 'complete',
  };
  invoice.total_taxes = [entry];
  for (const line of invoice.lines.data) line.taxes = [{ ...entry }];
  invoice.total_excluding_tax = taxable;
  invoice.total = taxable + tax.amount;
  invoice.amount_due = invoice.total;
  invoice.amount_remaining = invoice.total;
  const payment = invoice.payments?.data[0];
  if (payment !== undefined) payment.amount_requested = invoice.total;
}
