import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import {
  chooseCurrency,
  currencyOfCountry,
  formatAmount,
  regionOfAcceptLanguage,
  taxNote,
} from '../../src/domain/currency';
import { readerCountry } from '../../src/features/billing/prices';

describe('currencyOfCountry', () => {
  it.each([
    ['DE', 'eur'],
    ['fr', 'eur'],
    ['GB', 'gbp'],
    ['US', 'usd'],
    ['JP', 'jpy'],
    ['CH', 'chf'],
  ])('%s pays in %s', (country, currency) => {
    expect(currencyOfCountry(country)).toBe(currency);
  });
  it.each([null, undefined, '', 'XX', 'T1', 'DEU', 'ZZ', '<s'])('%s is no known country', (country) => {
    expect(currencyOfCountry(country)).toBeNull();
  });
});

describe('regionOfAcceptLanguage', () => {
  it('takes the most preferred tag that names a region', () => {
    expect(regionOfAcceptLanguage('de-AT,de;q=0.9,en-US;q=0.8')).toBe('AT');
    expect(regionOfAcceptLanguage('en;q=0.9,fr-CA;q=0.8')).toBe('CA');
    expect(regionOfAcceptLanguage('en-US;q=0.5,en-GB;q=0.9')).toBe('GB');
    expect(regionOfAcceptLanguage('zh-Hant-TW')).toBe('TW');
  });
  it('ignores zero weights, scripts and numeric regions', () => {
    expect(regionOfAcceptLanguage('en-GB;q=0,fr')).toBeNull();
    expect(regionOfAcceptLanguage('es-419')).toBeNull();
    expect(regionOfAcceptLanguage('sr-Latn')).toBeNull();
  });
  it('is null without a header', () => {
    expect(regionOfAcceptLanguage(null)).toBeNull();
    expect(regionOfAcceptLanguage('')).toBeNull();
    expect(regionOfAcceptLanguage('*')).toBeNull();
  });
});

describe('chooseCurrency', () => {
  const offered = ['usd', 'eur', 'gbp'];
  it("prefers the country's currency when offered", () => {
    expect(chooseCurrency(offered, 'DE', 'gbp')).toBe('eur');
  });
  it('falls back to the configured default, then to the first offered', () => {
    expect(chooseCurrency(offered, 'JP', 'gbp')).toBe('gbp');
    expect(chooseCurrency(offered, 'JP', 'chf')).toBe('usd');
    expect(chooseCurrency(offered, null, undefined)).toBe('usd');
  });
  it('is null when nothing is offered', () => {
    expect(chooseCurrency([], 'DE', 'eur')).toBeNull();
  });
});

describe('formatAmount', () => {
  it('formats minor units in the currency', () => {
    expect(formatAmount(899, 'eur')).toBe('€8.99');
    expect(formatAmount(999, 'usd')).toBe('US$9.99');
    expect(formatAmount(7900, 'gbp')).toBe('£79.00');
  });
  it('counts zero-decimal currencies in whole units', () => {
    expect(formatAmount(1200, 'jpy')).toBe('JP¥1,200');
  });
});

describe('taxNote', () => {
  it('says nothing without Stripe Tax', () => {
    expect(taxNote(false, 'exclusive')).toBeNull();
    expect(taxNote(false, 'inclusive')).toBeNull();
  });
  it('inclusive prices include tax; exclusive and unspecified are plus tax', () => {
    expect(taxNote(true, 'inclusive')).toBe('tax_included');
    expect(taxNote(true, 'exclusive')).toBe('plus_tax');
    expect(taxNote(true, 'unspecified')).toBe('plus_tax');
    expect(taxNote(true, null)).toBe('plus_tax');
  });
});

describe('readerCountry', () => {
  const ctxWith = (trustProxy: boolean) => ({ config: { node: { trustProxy } } }) as unknown as AppContext;
  const country = async (headers: Record<string, string>, trustProxy: boolean, cf?: { country: string }) => {
    const app = new Hono().get('/', (c) => c.text(readerCountry(c, ctxWith(trustProxy)) ?? 'none'));
    const request = new Request('http://x/', { headers });
    if (cf) Object.defineProperty(request, 'cf', { value: cf });
    return (await app.fetch(request)).text();
  };
  it("believes Cloudflare's request.cf country first", async () => {
    expect(await country({ 'accept-language': 'fr-FR' }, false, { country: 'DE' })).toBe('DE');
  });
  it('believes cf-ipcountry off Workers only behind a trusted proxy', async () => {
    expect(await country({ 'cf-ipcountry': 'GB', 'accept-language': 'fr-FR' }, true)).toBe('GB');
    expect(await country({ 'cf-ipcountry': 'GB', 'accept-language': 'fr-FR' }, false)).toBe('FR');
    expect(await country({}, false)).toBe('none');
  });
});
