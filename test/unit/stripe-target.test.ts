/**
 * Issue 15 item 1: one switch for real Stripe. `STRIPE_API_BASE=stripe` (or Stripe's own API URL)
 * means real Stripe in every environment; a real key without a base never goes to the loopback
 * emulator; and the pages' CSP then lets forms lead to Checkout and the portal, which live on
 * checkout.stripe.com and billing.stripe.com, not api.stripe.com.
 */
import { describe, expect, it } from 'vitest';
import { EMULATOR_DEFAULTS, loadConfig, stripeApiBase, usesEmulator } from '../../src/app/config';
import { pagePolicy, stripeOrigins } from '../../src/features/pages/render';
import { generateDevSecrets } from '../../src/lib/dev-secrets';

const secrets = await generateDevSecrets();
const realStripe = {
  STRIPE_SECRET_KEY: 'sk_test_51Realkey',
  STRIPE_WEBHOOK_SECRET: 'whsec_real',
  STRIPE_PRICE_MONTHLY: 'price_1Monthly',
  STRIPE_PRICE_ANNUAL: 'price_1Annual',
};

const formAction = async (env: Record<string, string>) => {
  const config = await loadConfig({ ...secrets, ...env });
  const policy = await pagePolicy(stripeOrigins(config));
  return { config, formAction: /form-action ([^;]+)/.exec(policy)?.[1] ?? '' };
};

describe('the real-Stripe switch', () => {
  it('STRIPE_API_BASE=stripe uses Stripe, with no emulator default left', async () => {
    const { config, formAction: fa } = await formAction({ ...realStripe, STRIPE_API_BASE: 'stripe' });
    expect(config.stripe.apiBase).toBeUndefined();
    expect(config.stripe.secretKey).toBe('sk_test_51Realkey');
    expect(config.stripe.prices.monthly).toBe('price_1Monthly');
    expect(fa).toBe("'self' https://checkout.stripe.com https://billing.stripe.com");
  });

  it('Stripe’s own API URL means the same (the CSP names Checkout and the portal, not the API)', async () => {
    const { config, formAction: fa } = await formAction({
      ...realStripe,
      STRIPE_API_BASE: 'https://api.stripe.com',
    });
    expect(config.stripe.apiBase).toBeUndefined();
    expect(fa).not.toContain('api.stripe.com');
    expect(fa).toContain('https://checkout.stripe.com');
  });

  it('a real key without a base goes to Stripe, never to the loopback emulator', async () => {
    const { config } = await formAction(realStripe);
    expect(config.stripe.apiBase).toBeUndefined();
  });

  it('refuses to start on real Stripe without the real prices (no emulator price is assumed)', async () => {
    await expect(
      loadConfig({ ...secrets, STRIPE_API_BASE: 'stripe', STRIPE_SECRET_KEY: 'sk_test_51Realkey' }),
    ).rejects.toThrow(/STRIPE_WEBHOOK_SECRET/);
  });

  it('keeps the emulator in development by default, and its origin in the CSP', async () => {
    const { config, formAction: fa } = await formAction({});
    expect(config.stripe.secretKey).toBe(EMULATOR_DEFAULTS.STRIPE_SECRET_KEY);
    expect(fa).toBe("'self' http://127.0.0.1:12111");
    const other = await formAction({ STRIPE_API_BASE: 'http://127.0.0.1:4000' });
    expect(other.formAction).toBe("'self' http://127.0.0.1:4000");
  });

  it('decides the target by a pure rule', () => {
    expect(usesEmulator('production', {})).toBe(false);
    expect(usesEmulator('development', {})).toBe(true);
    expect(usesEmulator('test', { STRIPE_SECRET_KEY: EMULATOR_DEFAULTS.STRIPE_SECRET_KEY })).toBe(true);
    expect(usesEmulator('development', { STRIPE_SECRET_KEY: 'sk_test_x' })).toBe(false);
    expect(
      usesEmulator('development', {
        STRIPE_API_BASE: 'stripe',
        STRIPE_SECRET_KEY: EMULATOR_DEFAULTS.STRIPE_SECRET_KEY,
      }),
    ).toBe(false);
    expect(
      usesEmulator('development', {
        STRIPE_API_BASE: 'http://127.0.0.1:12111',
        STRIPE_SECRET_KEY: 'sk_test_x',
      }),
    ).toBe(true);
    expect(stripeApiBase('https://api.stripe.com/')).toBeUndefined();
    expect(stripeApiBase('http://127.0.0.1:12111')).toBe('http://127.0.0.1:12111');
  });
});
