/** @module The reader's currency from their country, and a price as a reader reads it: pure rules. */

const EURO_COUNTRIES = [
  'AT',
  'BE',
  'HR',
  'CY',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PT',
  'SK',
  'SI',
  'ES',
  'AD',
  'MC',
  'SM',
  'VA',
  'ME',
  'XK',
];

/** The currency a country pays in, for the countries whose currency a price might offer. */
const COUNTRY_CURRENCY: Record<string, string> = {
  ...Object.fromEntries(EURO_COUNTRIES.map((c) => [c, 'eur'])),
  US: 'usd',
  PR: 'usd',
  EC: 'usd',
  GB: 'gbp',
  IM: 'gbp',
  JE: 'gbp',
  GG: 'gbp',
  CA: 'cad',
  AU: 'aud',
  NZ: 'nzd',
  CH: 'chf',
  LI: 'chf',
  SE: 'sek',
  NO: 'nok',
  DK: 'dkk',
  PL: 'pln',
  CZ: 'czk',
  JP: 'jpy',
  IN: 'inr',
  BR: 'brl',
  MX: 'mxn',
  SG: 'sgd',
  HK: 'hkd',
};

/** `DE` → `eur`; null for an unknown or malformed country (Cloudflare's `XX` and `T1` included). */
export function currencyOfCountry(country: string | null | undefined): string | null {
  if (!country || !/^[A-Za-z]{2}$/.test(country)) return null;
  return COUNTRY_CURRENCY[country.toUpperCase()] ?? null;
}

/**
 * The region of the reader's most preferred language tag that names one (`de-AT,de;q=0.9` → `AT`),
 * in q order; null when none does. Only a hint: a browser's language, not where its reader is.
 */
export function regionOfAcceptLanguage(header: string | null | undefined): string | null {
  if (!header) return null;
  const tags = header
    .slice(0, 1000)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((t) => t.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of tags) {
    const region = tag
      .split('-')
      .slice(1)
      .find((sub) => /^[A-Za-z]{2}$/.test(sub));
    if (region) return region.toUpperCase();
  }
  return null;
}

/**
 * The currency to show: the reader's country's when the prices offer it, else the configured
 * default when offered, else the prices' own (the first offered).
 */
export function chooseCurrency(
  offered: readonly string[],
  country: string | null,
  configuredDefault: string | null | undefined,
): string | null {
  const local = currencyOfCountry(country);
  if (local && offered.includes(local)) return local;
  if (configuredDefault && offered.includes(configuredDefault)) return configuredDefault;
  return offered[0] ?? null;
}

/** `899, 'eur'` → `€8.99`; zero-decimal currencies (`jpy`) are whole units, as Stripe counts them. */
export function formatAmount(minorUnits: number, currency: string, locale = 'en-GB'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

export type TaxNote = 'plus_tax' | 'tax_included' | null;

/**
 * What a price says about tax: with Stripe Tax on, an `inclusive` price includes it and any other
 * (`exclusive`, or `unspecified`, which Stripe Tax treats as exclusive by default) is plus tax.
 */
export function taxNote(automaticTax: boolean, taxBehavior: string | null | undefined): TaxNote {
  if (!automaticTax) return null;
  return taxBehavior === 'inclusive' ? 'tax_included' : 'plus_tax';
}
