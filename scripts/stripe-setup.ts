/**
 * @module `npm run stripe:setup`: makes a Stripe account ready for OnePass, idempotently. It finds or
 * creates the product (id `onepass_membership`), the monthly and annual prices (lookup keys
 * `onepass_monthly`, `onepass_annual`, with currency options), the retention coupon
 * (`onepass_retention`), the billing portal configuration (metadata `onepass=portal`) and the
 * webhook endpoint for `${PUBLIC_URL}/v1/webhooks/stripe` with the event types the service
 * handles, then prints the variables to set. A second run finds everything and changes nothing.
 *
 * Environment: STRIPE_SECRET_KEY (required), STRIPE_API_BASE (`stripe` or unset for real Stripe, or
 * the emulator's URL), PUBLIC_URL (required: where Stripe sends webhooks).
 */
import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';
import { stripeApiBase } from '../src/app/config';
import { HANDLED_EVENT_TYPES } from '../src/features/billing/webhook/handlers';

export const PRODUCT_ID = 'onepass_membership';
export const RETENTION_COUPON = 'onepass_retention';
export const LOOKUP_KEYS = { monthly: 'onepass_monthly', annual: 'onepass_annual' } as const;

/** The prices made when missing, in minor units; existing prices are never changed (Stripe's are immutable). */
const PRICES = {
  monthly: { nickname: 'Monthly', interval: 'month', usd: 999, eur: 899, gbp: 799 },
  annual: { nickname: 'Annual', interval: 'year', usd: 9900, eur: 8900, gbp: 7900 },
} as const;

export interface SetupResult {
  /** The variables to set, by name; the webhook secret only when the endpoint was made now. */
  vars: {
    STRIPE_PRICE_MONTHLY: string;
    STRIPE_PRICE_ANNUAL: string;
    STRIPE_PORTAL_CONFIGURATION: string;
    STRIPE_RETENTION_COUPON: string;
    STRIPE_WEBHOOK_SECRET: string | null;
  };
  /** What this run created or updated, one line each; empty when the account was already set up. */
  changes: string[];
  webhookEndpoint: string;
}

async function ensureProduct(stripe: Stripe, changes: string[]): Promise<Stripe.Product> {
  try {
    return await stripe.products.retrieve(PRODUCT_ID);
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeError) || err.statusCode !== 404) throw err;
  }
  changes.push(`product ${PRODUCT_ID} created`);
  return stripe.products.create(
    {
      id: PRODUCT_ID,
      name: 'OnePass membership',
      description: 'Full text on every participating publisher.',
      metadata: { onepass: 'membership' },
    },
    { idempotencyKey: `onepass-setup-${PRODUCT_ID}` },
  );
}

async function ensurePrice(
  stripe: Stripe,
  plan: keyof typeof PRICES,
  product: string,
  changes: string[],
): Promise<Stripe.Price> {
  const lookupKey = LOOKUP_KEYS[plan];
  const found = await stripe.prices.list({ lookup_keys: [lookupKey], limit: 1 });
  const existing = found.data[0];
  if (existing) return existing;
  const p = PRICES[plan];
  changes.push(`price ${lookupKey} created`);
  return stripe.prices.create(
    {
      product,
      currency: 'usd',
      unit_amount: p.usd,
      nickname: p.nickname,
      recurring: { interval: p.interval },
      lookup_key: lookupKey,
      tax_behavior: 'exclusive',
      currency_options: {
        eur: { unit_amount: p.eur, tax_behavior: 'exclusive' },
        gbp: { unit_amount: p.gbp, tax_behavior: 'exclusive' },
      },
      metadata: { onepass: plan },
    },
    { idempotencyKey: `onepass-setup-${lookupKey}` },
  );
}

/** The retention offer: 25% off for three months, for the portal's cancellation flow. */
async function ensureCoupon(stripe: Stripe, changes: string[]): Promise<Stripe.Coupon> {
  try {
    return await stripe.coupons.retrieve(RETENTION_COUPON);
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeError) || err.statusCode !== 404) throw err;
  }
  changes.push(`coupon ${RETENTION_COUPON} created`);
  return stripe.coupons.create(
    {
      id: RETENTION_COUPON,
      name: 'Stay with us: 25% off for 3 months',
      percent_off: 25,
      duration: 'repeating',
      duration_in_months: 3,
      metadata: { onepass: 'retention' },
    },
    { idempotencyKey: `onepass-setup-${RETENTION_COUPON}` },
  );
}

async function ensurePortal(
  stripe: Stripe,
  product: string,
  prices: string[],
  coupon: string,
  publicUrl: string,
  changes: string[],
): Promise<Stripe.BillingPortal.Configuration> {
  for await (const config of stripe.billingPortal.configurations.list({ active: true, limit: 100 })) {
    if (config.metadata?.onepass === 'portal') return config;
  }
  changes.push('billing portal configuration created');
  return stripe.billingPortal.configurations.create({
    business_profile: { headline: 'OnePass: one membership for all your news' },
    default_return_url: `${publicUrl}/account`,
    features: {
      subscription_cancel: {
        enabled: true,
        mode: 'at_period_end',
        proration_behavior: 'none',
        cancellation_reason: {
          enabled: true,
          options: ['too_expensive', 'unused', 'missing_features', 'switched_service', 'other'],
        },
      },
      subscription_pause: { enabled: true },
      subscription_update: {
        enabled: true,
        default_allowed_updates: ['price', 'promotion_code'],
        proration_behavior: 'create_prorations',
        products: [{ product, prices }],
      },
      payment_method_update: { enabled: true },
      invoice_history: { enabled: true },
      customer_update: { enabled: true, allowed_updates: ['email', 'address', 'tax_id'] },
    },
    // Stripe sets the retention offer of a cancellation per flow (the Dashboard's portal settings,
    // or a session's flow_data); the configuration names the coupon for both.
    metadata: { onepass: 'portal', retention_coupon: coupon },
  });
}

async function ensureWebhook(
  stripe: Stripe,
  url: string,
  changes: string[],
): Promise<{ endpoint: Stripe.WebhookEndpoint; secret: string | null }> {
  const events = [...HANDLED_EVENT_TYPES].sort();
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.url !== url) continue;
    const missing = events.filter((e) => !endpoint.enabled_events.includes(e));
    if (missing.length === 0 || endpoint.enabled_events.includes('*')) return { endpoint, secret: null };
    changes.push(`webhook endpoint ${endpoint.id}: events added (${missing.join(', ')})`);
    const updated = await stripe.webhookEndpoints.update(endpoint.id, {
      enabled_events: [...new Set([...endpoint.enabled_events, ...events])] as never,
    });
    return { endpoint: updated, secret: null };
  }
  changes.push(`webhook endpoint for ${url} created`);
  const endpoint = await stripe.webhookEndpoints.create({
    url,
    enabled_events: events as never,
    description: 'OnePass',
    metadata: { onepass: 'webhook' },
  });
  return { endpoint, secret: endpoint.secret ?? null };
}

/** Finds or creates everything OnePass needs on the account `stripe` talks to. */
export async function setupStripe(stripe: Stripe, publicUrl: string): Promise<SetupResult> {
  const base = publicUrl.replace(/\/+$/, '');
  const changes: string[] = [];
  const product = await ensureProduct(stripe, changes);
  const monthly = await ensurePrice(stripe, 'monthly', product.id, changes);
  const annual = await ensurePrice(stripe, 'annual', product.id, changes);
  const coupon = await ensureCoupon(stripe, changes);
  const portal = await ensurePortal(stripe, product.id, [monthly.id, annual.id], coupon.id, base, changes);
  const { endpoint, secret } = await ensureWebhook(stripe, `${base}/v1/webhooks/stripe`, changes);
  return {
    vars: {
      STRIPE_PRICE_MONTHLY: monthly.id,
      STRIPE_PRICE_ANNUAL: annual.id,
      STRIPE_PORTAL_CONFIGURATION: portal.id,
      STRIPE_RETENTION_COUPON: coupon.id,
      STRIPE_WEBHOOK_SECRET: secret,
    },
    changes,
    webhookEndpoint: endpoint.id,
  };
}

/** The SDK for STRIPE_SECRET_KEY at STRIPE_API_BASE (real Stripe when unset or `stripe`). */
export function stripeFromEnv(env: NodeJS.ProcessEnv): Stripe {
  const key = env.STRIPE_SECRET_KEY;
  if (!key) throw new Error('STRIPE_SECRET_KEY is not set');
  const base = stripeApiBase(env.STRIPE_API_BASE);
  const url = base ? new URL(base) : null;
  return new Stripe(key, {
    httpClient: Stripe.createFetchHttpClient(),
    ...(url
      ? {
          host: url.hostname,
          port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          protocol: url.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}

export function formatResult(result: SetupResult): string {
  const lines = [
    result.changes.length === 0
      ? 'Stripe account already set up: nothing changed.'
      : `Changed:\n${result.changes.map((c) => `  - ${c}`).join('\n')}`,
    '',
    'Set these variables (wrangler secret put / .dev.vars / the environment):',
    `STRIPE_PRICE_MONTHLY=${result.vars.STRIPE_PRICE_MONTHLY}`,
    `STRIPE_PRICE_ANNUAL=${result.vars.STRIPE_PRICE_ANNUAL}`,
    `STRIPE_PORTAL_CONFIGURATION=${result.vars.STRIPE_PORTAL_CONFIGURATION}`,
    `STRIPE_RETENTION_COUPON=${result.vars.STRIPE_RETENTION_COUPON}`,
    result.vars.STRIPE_WEBHOOK_SECRET
      ? `STRIPE_WEBHOOK_SECRET=${result.vars.STRIPE_WEBHOOK_SECRET}`
      : `# STRIPE_WEBHOOK_SECRET: unchanged (${result.webhookEndpoint} existed; Stripe shows a secret only at creation, roll it in the Dashboard if lost)`,
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const publicUrl = process.env.PUBLIC_URL;
  if (!publicUrl || !URL.canParse(publicUrl)) throw new Error('PUBLIC_URL must be set to the service URL');
  const result = await setupStripe(stripeFromEnv(process.env), publicUrl);
  console.log(formatResult(result));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`stripe:setup failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
