import { describe, expect, it } from 'vitest';
import { ConfigError, EMULATOR_DEFAULTS, loadConfig } from '../../src/app/config';
import { generateDevSecrets } from '../../src/lib/dev-secrets';

const secrets = await generateDevSecrets();
const production = {
  ...secrets,
  ENVIRONMENT: 'production',
  PUBLIC_URL: 'https://paywall.example',
  STRIPE_SECRET_KEY: 'sk_live_x',
  STRIPE_WEBHOOK_SECRET: 'whsec_x',
  STRIPE_PRICE_MONTHLY: 'price_m',
  STRIPE_PRICE_ANNUAL: 'price_a',
};

async function refusal(env: Record<string, string | undefined>): Promise<ConfigError> {
  const error = await loadConfig(env).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('loadConfig', () => {
  it('applies the contract defaults in development and points Stripe at the emulator', async () => {
    const config = await loadConfig(secrets);
    expect(config).toMatchObject({
      environment: 'development',
      publicUrl: 'http://127.0.0.1:8787',
      trialDays: 14,
      tokenTtlSeconds: 600,
      graceDays: 7,
      previousKeys: [],
    });
    expect(config.stripe.secretKey).toBe(EMULATOR_DEFAULTS.STRIPE_SECRET_KEY);
    expect(config.stripe.apiBase?.port).toBe('12111');
    expect(config.signingKey.publicJwk).not.toHaveProperty('d');
    expect(config.signingKey.kid).toBe(JSON.parse(secrets.ENTITLEMENT_SIGNING_KEY).kid);
  });

  it('syncs SQLite at checkpoints (NORMAL) unless told FULL, and refuses anything else', async () => {
    expect((await loadConfig(secrets)).database.synchronous).toBe('NORMAL');
    expect((await loadConfig({ ...secrets, SQLITE_SYNCHRONOUS: 'FULL' })).database.synchronous).toBe('FULL');
    const error = await refusal({ ...secrets, SQLITE_SYNCHRONOUS: 'OFF' });
    expect(error.message).toContain('SQLITE_SYNCHRONOUS');
  });

  it('accepts a complete production configuration', async () => {
    const config = await loadConfig(production);
    expect(config.environment).toBe('production');
    expect(config.stripe.apiBase).toBeUndefined();
  });

  it.each([
    'ENTITLEMENT_SIGNING_KEY',
    'PAIRWISE_SECRET',
    'ADMIN_API_KEY',
    'STRIPE_SECRET_KEY',
    'STRIPE_WEBHOOK_SECRET',
    'STRIPE_PRICE_MONTHLY',
    'STRIPE_PRICE_ANNUAL',
  ])('refuses production without %s and names it', async (name) => {
    const error = await refusal({ ...production, [name]: undefined });
    expect(error.variable).toBe(name);
    expect(error.message).toContain('required in production');
  });

  it('allows plain http only on a loopback host in production', async () => {
    expect((await refusal({ ...production, PUBLIC_URL: 'http://paywall.example' })).variable).toBe(
      'PUBLIC_URL',
    );
    await expect(loadConfig({ ...production, PUBLIC_URL: 'http://127.0.0.1:8787' })).resolves.toBeTruthy();
    await expect(loadConfig({ ...production, PUBLIC_URL: 'http://localhost:8787' })).resolves.toBeTruthy();
  });

  it.each([
    [{ ENVIRONMENT: 'staging' }, 'ENVIRONMENT'],
    [{ TOKEN_TTL_SECONDS: '59' }, 'TOKEN_TTL_SECONDS'],
    [{ TOKEN_TTL_SECONDS: '3601' }, 'TOKEN_TTL_SECONDS'],
    [{ TOKEN_TTL_SECONDS: 'ten' }, 'TOKEN_TTL_SECONDS'],
    [{ TRIAL_DAYS: '-1' }, 'TRIAL_DAYS'],
    [{ ENTITLEMENT_SIGNING_KEY: '{not json' }, 'ENTITLEMENT_SIGNING_KEY'],
    [{ ENTITLEMENT_SIGNING_KEY: '{"kty":"RSA","n":"x","e":"AQAB"}' }, 'ENTITLEMENT_SIGNING_KEY'],
    [{ ENTITLEMENT_PREVIOUS_KEYS: '{}' }, 'ENTITLEMENT_PREVIOUS_KEYS'],
    [{ ENTITLEMENT_PREVIOUS_KEYS: `[${secrets.ENTITLEMENT_SIGNING_KEY}]` }, 'ENTITLEMENT_PREVIOUS_KEYS'],
    [{ PAIRWISE_SECRET: 'short' }, 'PAIRWISE_SECRET'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses a malformed value in every environment: %o', async (override, name) => {
    for (const base of [secrets, production]) {
      expect((await refusal({ ...base, ...override })).variable).toBe(name);
    }
  });

  it('refuses a signing key whose kid is not its RFC 7638 thumbprint', async () => {
    const jwk = { ...JSON.parse(secrets.ENTITLEMENT_SIGNING_KEY), kid: 'my-key' };
    const error = await refusal({ ...secrets, ENTITLEMENT_SIGNING_KEY: JSON.stringify(jwk) });
    expect(error.message).toContain('thumbprint');
  });

  it('publishes previous keys as public keys only', async () => {
    const old = JSON.parse((await generateDevSecrets()).ENTITLEMENT_SIGNING_KEY);
    const { d: _d, ...oldPublic } = old;
    const config = await loadConfig({ ...secrets, ENTITLEMENT_PREVIOUS_KEYS: JSON.stringify([oldPublic]) });
    expect(config.previousKeys).toHaveLength(1);
    expect(config.previousKeys[0]?.kid).toBe(old.kid);
  });
});
