/**
 * Issue 15, item 9: `npm run stripe:setup` against the emulator (which, as Stripe, has billing
 * portal configurations, webhook endpoints and price lookup keys): it makes the product, both
 * prices with currency options, the retention coupon, the portal configuration and the webhook
 * endpoint; a second run (in code and as the command) finds them all and changes nothing; the
 * service configured with what it prints opens the portal with that configuration and checks out
 * on those prices.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatResult, setupStripe } from '../../scripts/stripe-setup';
import { HANDLED_EVENT_TYPES } from '../../src/features/billing/webhook/handlers';
import { type RunningStripeEmulator, startStripeEmulator } from '../../tools/stripe-emulator';
import { EmulatorControl } from '../../tools/stripe-emulator/client';
import { EMULATOR_SECRET_KEY } from '../../tools/stripe-emulator/constants';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

const PUBLIC_URL = 'https://onepass.example';
let emu: RunningStripeEmulator;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startStripeEmulator({ port: 0, deliveryMode: 'pull', log: () => {} });
  stripe = new Stripe(EMULATOR_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    host: '127.0.0.1',
    port: emu.port,
    protocol: 'http',
  });
});
afterAll(async () => {
  await emu.close();
});

describe('stripe:setup', () => {
  let vars: Awaited<ReturnType<typeof setupStripe>>['vars'];

  it('creates everything once, and a second run changes nothing', async () => {
    const first = await setupStripe(stripe, PUBLIC_URL);
    expect(first.changes).toHaveLength(6);
    vars = first.vars;
    expect(vars.STRIPE_WEBHOOK_SECRET).toMatch(/^whsec_/);
    expect(formatResult(first)).toContain(`STRIPE_PORTAL_CONFIGURATION=${vars.STRIPE_PORTAL_CONFIGURATION}`);
    expect(formatResult(first)).toContain('STRIPE_RETENTION_COUPON=onepass_retention');

    const monthly = await stripe.prices.retrieve(vars.STRIPE_PRICE_MONTHLY, { expand: ['currency_options'] });
    expect(monthly).toMatchObject({
      lookup_key: 'onepass_monthly',
      unit_amount: 999,
      recurring: { interval: 'month' },
    });
    expect(Object.keys(monthly.currency_options ?? {}).sort()).toEqual(['eur', 'gbp', 'usd']);
    const portal = await stripe.billingPortal.configurations.retrieve(vars.STRIPE_PORTAL_CONFIGURATION);
    expect(portal.features.subscription_cancel).toMatchObject({ enabled: true, mode: 'at_period_end' });
    expect(portal.features.subscription_cancel.cancellation_reason.enabled).toBe(true);
    expect(portal.features.subscription_pause.enabled).toBe(true);
    expect(portal.features.subscription_update.products).toEqual([
      expect.objectContaining({ prices: [vars.STRIPE_PRICE_MONTHLY, vars.STRIPE_PRICE_ANNUAL] }),
    ]);
    expect(portal.features.payment_method_update.enabled).toBe(true);
    expect(portal.features.invoice_history.enabled).toBe(true);
    expect(portal.metadata?.retention_coupon).toBe('onepass_retention');
    expect((await stripe.coupons.retrieve('onepass_retention')).percent_off).toBe(25);
    const [endpoint, ...more] = (await stripe.webhookEndpoints.list()).data;
    expect(more).toEqual([]);
    expect(endpoint?.url).toBe(`${PUBLIC_URL}/v1/webhooks/stripe`);
    expect(new Set(endpoint?.enabled_events)).toEqual(HANDLED_EVENT_TYPES);

    const second = await setupStripe(stripe, PUBLIC_URL);
    expect(second.changes).toEqual([]);
    expect(second.vars).toEqual({ ...vars, STRIPE_WEBHOOK_SECRET: null });
    expect((await stripe.prices.list({ limit: 100 })).data).toHaveLength(4);
    expect((await stripe.billingPortal.configurations.list()).data).toHaveLength(2);
  });

  it('runs as `npm run stripe:setup` and says nothing changed', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/stripe-setup.ts'], {
      env: { ...process.env, STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY, STRIPE_API_BASE: emu.url, PUBLIC_URL },
    });
    expect(stdout).toContain('nothing changed');
    expect(stdout).toContain(`STRIPE_PRICE_ANNUAL=${vars.STRIPE_PRICE_ANNUAL}`);
  });

  it('the service set up with its variables uses the portal configuration by id, and its prices', async () => {
    const h: NodeDoor = await startNodeDoor(
      {
        STRIPE_API_BASE: emu.url,
        STRIPE_PRICE_MONTHLY: vars.STRIPE_PRICE_MONTHLY,
        STRIPE_PRICE_ANNUAL: vars.STRIPE_PRICE_ANNUAL,
        STRIPE_PORTAL_CONFIGURATION: vars.STRIPE_PORTAL_CONFIGURATION,
      },
      { clock: () => new Date(emu.emulator.now * 1000) },
    );
    try {
      const res = await h.call('POST', '/v1/readers', {
        body: { email: 'setup@example.com', password: 'pass phrase 1' },
      });
      const token = res.json.session_token as string;
      const plans = await h.call('GET', '/v1/plans?currency=eur');
      expect((plans.json.data as { unit_amount: number }[]).map((p) => p.unit_amount)).toEqual([899, 8900]);
      const started = await h.call('POST', '/v1/me/checkout', {
        token,
        body: { plan: 'annual', currency: 'eur' },
      });
      expect(started.status, started.text).toBe(200);
      const paid = await new EmulatorControl(emu.url).completeCheckout(
        (started.json.url as string).split('/').pop() ?? '',
        '4242424242424242',
      );
      expect(paid.ok).toBe(true);
      const portal = await h.call('POST', '/v1/me/billing-portal', { token });
      expect(portal.status, portal.text).toBe(200);
      const id = (portal.json.url as string).split('/').pop() ?? '';
      expect(emu.emulator.ctx.state.portalSessions.get(id)?.configuration).toBe(
        vars.STRIPE_PORTAL_CONFIGURATION,
      );
    } finally {
      h.close();
    }
  });
});
