import { env, SELF } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import Stripe from 'stripe';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { EmulatorControl } from '../../tools/stripe-emulator/client';
import { EMULATOR_WEBHOOK_SECRET } from '../../tools/stripe-emulator/constants';
import { adminKey, BASE, call, createPublisher, signUp } from './helpers';

const emulatorUrl = inject('stripeEmulatorUrl');
const control = new EmulatorControl(emulatorUrl);
const stripe = new Stripe('sk_test_emulator_0000000000000000', {
  httpClient: Stripe.createFetchHttpClient(),
  host: '127.0.0.1',
  port: Number(new URL(emulatorUrl).port),
  protocol: 'http',
});
const crypto = Stripe.createSubtleCryptoProvider();

/** Stands in for Stripe's delivery network: pending webhooks go to the Worker's own fetch. */
async function deliver(): Promise<number[]> {
  const results = await control.drainPull(async (payload, signature) => {
    const res = await SELF.fetch(`${BASE}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body: payload,
    });
    await res.arrayBuffer();
    return res.status;
  });
  return results.map((r) => r.status);
}

async function postWebhook(body: string, signature?: string) {
  return call('POST', '/v1/webhooks/stripe', {
    rawBody: body,
    headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
  });
}

async function membershipRow(readerId: string) {
  const row = await env.DB.prepare('SELECT * FROM memberships WHERE reader_id = ?')
    .bind(readerId)
    .first<{ status: string; stripe_subscription_id: string; stripe_customer_id: string }>();
  if (!row) throw new Error('no membership');
  return row;
}

async function subscribe(token: string, plan: 'monthly' | 'annual' = 'monthly') {
  const res = await call('POST', '/v1/me/checkout', { token, body: { plan } });
  expect(res.status, res.text).toBe(200);
  const done = await control.completeCheckout(
    String(res.json.url).split('/').pop() ?? '',
    '4242424242424242',
  );
  expect(done.ok).toBe(true);
  expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
}

describe('billing in workerd through the Stripe emulator', () => {
  // The Worker runs on the real clock: each story starts with the emulator back on it too.
  beforeEach(async () => {
    await control.reset();
  });

  it('trial → checkout → paid → renewal fails (grace, still entitled) → paid again → cancel at period end', async () => {
    const { publisher } = await createPublisher();
    const { token, reader } = await signUp();
    await subscribe(token);
    const { stripe_subscription_id: subId, stripe_customer_id: customer } = await membershipRow(reader.id);
    const sub = await stripe.subscriptions.retrieve(subId);
    expect(sub.status).toBe('trialing');
    expect((await stripe.charges.list({ customer })).data).toHaveLength(0);

    let me = await call('GET', '/v1/me', { token });
    expect(me.json.membership).toMatchObject({ status: 'active', plan: 'monthly' });
    const tokenRes = await call('POST', '/v1/me/entitlement-token', {
      token,
      body: { publisher: publisher.id },
    });
    expect(decodeJwt(tokenRes.json.token).membership).toBe('paid');

    // The Stripe trial ends (emulator clock): paid.
    await control.advance({ to: (sub.trial_end ?? 0) + 3600 });
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
    expect((await stripe.charges.list({ customer })).data).toHaveLength(1);
    me = await call('GET', '/v1/me', { token });
    expect(me.json.membership.status).toBe('active');

    // A failed renewal: past_due with grace = failure + GRACE_DAYS, still entitled, token says grace.
    await control.failNextCharge(subId);
    const periodEnd = Date.parse(me.json.membership.current_period_end) / 1000;
    await control.advance({ to: periodEnd + 60 });
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
    me = await call('GET', '/v1/me', { token });
    expect(me.json.membership.status).toBe('past_due');
    expect(Date.parse(me.json.membership.grace_until) / 1000 - periodEnd).toBeGreaterThanOrEqual(7 * 86_400);
    expect(me.json.entitlement.entitled).toBe(true);
    const graceToken = await call('POST', '/v1/me/entitlement-token', {
      token,
      body: { publisher: publisher.id },
    });
    expect(decodeJwt(graceToken.json.token).membership).toBe('grace');

    // Payment succeeds: active, grace cleared.
    await control.replaceCard(customer, '4242424242424242');
    const open = await stripe.invoices.list({ subscription: subId, status: 'open' });
    await stripe.invoices.pay(open.data[0]?.id ?? '');
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
    me = await call('GET', '/v1/me', { token });
    expect(me.json.membership).toMatchObject({ status: 'active', grace_until: null });

    // Cancel at period end: canceled, entitled until then.
    await stripe.subscriptions.update(subId, { cancel_at_period_end: true });
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
    me = await call('GET', '/v1/me', { token });
    expect(me.json.membership).toMatchObject({ status: 'canceled', cancel_at_period_end: true });
    expect(me.json.entitlement.entitled).toBe(true);

    // The period ends at Stripe: expired, whatever our clock says.
    await control.advance({ to: Date.parse(me.json.membership.current_period_end) / 1000 + 60 });
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
    me = await call('GET', '/v1/me', { token });
    expect(me.json.membership.status).toBe('expired');
    expect(me.json.entitlement).toMatchObject({ entitled: false, reason: 'canceled' });
  });

  it('"Cancel subscription" opens the portal in its cancellation flow; cancelling there ends access at period end', async () => {
    const { token, reader } = await signUp();
    await subscribe(token);
    const { stripe_subscription_id: subId } = await membershipRow(reader.id);
    const opened = await call('POST', '/v1/me/billing-portal', { token, body: { flow: 'cancel' } });
    expect(opened.status, opened.text).toBe(200);
    const url = String(opened.json.url);
    // No STRIPE_RETENTION_COUPON in this configuration: the flow asks for a reason, offers nothing.
    const page = await (await fetch(url)).text();
    expect(page).toContain('Cancel your subscription');
    expect(page).not.toContain('Before you go');
    const done = await fetch(`${url}/flow-cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ subscription: subId, reason: 'unused' }).toString(),
      redirect: 'manual',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${BASE}/account`);
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
    const me = await call('GET', '/v1/me', { token });
    expect(me.json.membership).toMatchObject({ status: 'canceled', cancel_at_period_end: true });
    expect(me.json.entitlement.entitled).toBe(true);
    const again = await call('POST', '/v1/me/billing-portal', { token, body: { flow: 'cancel' } });
    expect(again.status).toBe(409);
  });

  it('a refund ends the entitlement at once', async () => {
    const { token, reader } = await signUp();
    await call('POST', `/v1/admin/members/${reader.id}/trial`, {
      token: adminKey(),
      body: { ends_at: new Date(Date.now() - 1000).toISOString() },
    });
    await subscribe(token, 'annual');
    expect((await call('GET', '/v1/me', { token })).json.entitlement.entitled).toBe(true);
    await control.refundLatest((await membershipRow(reader.id)).stripe_subscription_id);
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
    const me = await call('GET', '/v1/me', { token });
    expect(me.json.entitlement).toMatchObject({ entitled: false, reason: 'canceled' });
  });

  it('answers 503 when the database write fails, and the redelivery applies the right state', async () => {
    const { token, reader } = await signUp();
    const res = await call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
    await env.DB.exec(
      "CREATE TRIGGER inject_failure BEFORE UPDATE OF status ON memberships WHEN NEW.status = 'active' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
    );
    try {
      await control.completeCheckout(String(res.json.url).split('/').pop() ?? '', '4242424242424242');
      const statuses = await deliver();
      expect(statuses).toContain(503);
      expect((await membershipRow(reader.id)).status).toBe('trialing');
      const failed = await env.DB.prepare(
        "SELECT count(*) AS n FROM stripe_events WHERE reader_id = ? AND outcome = 'applied'",
      )
        .bind(reader.id)
        .first<{ n: number }>();
      expect(failed?.n).toBe(0);
    } finally {
      await env.DB.exec('DROP TRIGGER inject_failure;');
    }
    // Stripe retries what failed: the pending deliveries go out again.
    expect((await deliver()).filter((s) => s >= 500)).toEqual([]);
    expect((await membershipRow(reader.id)).status).toBe('active');
  });

  it('applies each event once: a duplicate delivery changes nothing', async () => {
    const { token, reader } = await signUp();
    await subscribe(token);
    const events = await env.DB.prepare('SELECT id FROM stripe_events WHERE reader_id = ?')
      .bind(reader.id)
      .all<{ id: string }>();
    const first = events.results[0]?.id ?? '';
    await control.redeliver(first);
    const before = await env.DB.prepare('SELECT version FROM memberships WHERE reader_id = ?')
      .bind(reader.id)
      .first();
    expect(await deliver()).toEqual([200]);
    const after = await env.DB.prepare('SELECT version FROM memberships WHERE reader_id = ?')
      .bind(reader.id)
      .first();
    expect(after).toEqual(before);
  });

  it('heals a webhook that never arrived through reconciliation (admin endpoint)', async () => {
    const { token, reader } = await signUp();
    const res = await call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
    await control.completeCheckout(String(res.json.url).split('/').pop() ?? '', '4242424242424242');
    // Drop every delivery: report them delivered without handing them to the Worker.
    await control.drainPull(async () => 200);
    expect((await membershipRow(reader.id)).status).toBe('trialing');
    let complete = false;
    for (let i = 0; i < 20 && !complete; i++) {
      const run = await call('POST', '/v1/admin/stripe/reconcile?max_events=200', { token: adminKey() });
      expect(run.status).toBe(200);
      complete = run.json.complete;
    }
    expect((await membershipRow(reader.id)).status).toBe('active');
    const sources = await env.DB.prepare('SELECT DISTINCT source FROM stripe_events WHERE reader_id = ?')
      .bind(reader.id)
      .all<{ source: string }>();
    expect(sources.results.map((r) => r.source)).toEqual(['reconcile']);
  });

  it('answers 200 for event types it does not handle', async () => {
    const payload = JSON.stringify({
      id: 'evt_ignored_1',
      object: 'event',
      type: 'product.created',
      created: 1,
      data: { object: {} },
    });
    const signature = await stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: EMULATOR_WEBHOOK_SECRET,
      cryptoProvider: crypto,
    });
    const res = await postWebhook(payload, signature);
    expect(res.status).toBe(200);
    expect(res.json.outcome).toBe('ignored');
  });
});

describe('webhook signatures', () => {
  const payload = JSON.stringify({
    id: 'evt_sig_test',
    object: 'event',
    type: 'customer.subscription.updated',
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: 'sub_missing', object: 'subscription', customer: 'cus_missing', metadata: {} } },
  });
  const sign = (opts: { secret?: string; timestamp?: number; body?: string }) =>
    stripe.webhooks.generateTestHeaderStringAsync({
      payload: opts.body ?? payload,
      secret: opts.secret ?? EMULATOR_WEBHOOK_SECRET,
      cryptoProvider: crypto,
      ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
    });

  it('refuses a missing header', async () => {
    const res = await postWebhook(payload);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('invalid_request');
  });

  it('refuses a signature made with another secret', async () => {
    expect((await postWebhook(payload, await sign({ secret: 'whsec_someone_else' }))).status).toBe(400);
  });

  it('refuses a tampered body', async () => {
    const signature = await sign({});
    expect((await postWebhook(payload.replace('sub_missing', 'sub_other__'), signature)).status).toBe(400);
  });

  it('refuses a timestamp older than five minutes (replay)', async () => {
    const old = Math.floor(Date.now() / 1000) - 301;
    expect((await postWebhook(payload, await sign({ timestamp: old }))).status).toBe(400);
  });

  it('accepts a header with several v1 signatures of which one is right', async () => {
    const good = await sign({});
    const bad = await sign({ secret: 'whsec_rotated_out' });
    const t = good.split(',')[0];
    const v1s = [bad, good].map((h) => h.split(',').find((p) => p.startsWith('v1=')));
    const res = await postWebhook(payload, [t, ...v1s].join(','));
    expect(res.status).toBe(200);
    expect(res.json.outcome).toBe('unmatched');
  });

  it('takes no effect from a refused signature', async () => {
    const before = await env.DB.prepare('SELECT count(*) AS n FROM stripe_events').first<{ n: number }>();
    await postWebhook(payload, await sign({ secret: 'whsec_wrong' }));
    const after = await env.DB.prepare('SELECT count(*) AS n FROM stripe_events').first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });
});
