/**
 * @module Admin actions that reach Stripe, on Node + libSQL with a private Stripe emulator: cancel at
 * period end and now (applied at once, the webhooks after change nothing), member detail, conversion
 * metrics from a real checkout, and payout statements racing on libSQL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

let b: BillingHarness;
let adminKey = '';
beforeAll(async () => {
  b = await startBillingHarness();
  adminKey = b.h.env.ADMIN_API_KEY ?? '';
});
afterAll(async () => {
  await b.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  b.h.call(method, path, { token: adminKey, body });

async function subscribedReader(email: string) {
  const signup = await b.h.call('POST', '/v1/readers', { body: { email, password: 'pass phrase 1' } });
  expect(signup.status).toBe(201);
  const token = signup.json.session_token as string;
  const checkout = await b.h.call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
  expect(checkout.status, checkout.text).toBe(200);
  expect((await payCheckout(b.control, checkout.json.url)).ok).toBe(true);
  expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
  return { token, readerId: signup.json.reader.id as string };
}

async function auditActions(readerId: string) {
  const rows = await b.h.ctx.db.all<{ action: string; before: string; after: string }>(
    sql`SELECT action, before, after FROM audit_log WHERE target_id = ${readerId} ORDER BY rowid`,
  );
  return rows;
}

describe('cancel through Stripe', () => {
  it('at period end: canceled at once, entitled until the period ends; the webhook then changes nothing', async () => {
    const { token, readerId } = await subscribedReader('cancel.later@example.com');
    const detail = await admin('GET', `/v1/admin/members/${readerId}`);
    expect(detail.json.membership.status).toBe('active');
    const subId = detail.json.stripe.subscription_id as string;
    expect(subId).toMatch(/^sub_/);
    expect(detail.json.events.map((e: { type: string }) => e.type)).toContain('checkout.session.completed');

    const res = await admin('POST', `/v1/admin/members/${readerId}/cancel`, { at_period_end: true });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ status: 'canceled', cancel_at_period_end: true });
    expect((await b.stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(true);
    const me = await b.h.call('GET', '/v1/me', { token });
    expect(me.json.entitlement).toMatchObject({ entitled: true, until: res.json.current_period_end });

    const audit = await auditActions(readerId);
    expect(audit.map((a) => a.action)).toEqual(['member.cancel']);
    expect(JSON.parse(audit[0]?.before ?? '{}').status).toBe('active');
    expect(JSON.parse(audit[0]?.after ?? '{}')).toMatchObject({
      status: 'canceled',
      cancel_at_period_end: true,
    });

    expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
    expect((await b.h.call('GET', '/v1/me', { token })).json.membership).toEqual(res.json);
    const events = await admin('GET', `/v1/admin/members/${readerId}`);
    expect(events.json.events[0]).toMatchObject({
      type: 'customer.subscription.updated',
      outcome: 'unchanged',
    });
  });

  it('now: expired at once and the subscription ends at Stripe; a member without one is 409', async () => {
    const { token, readerId } = await subscribedReader('cancel.now@example.com');
    const res = await admin('POST', `/v1/admin/members/${readerId}/cancel`, { at_period_end: false });
    expect(res.status, res.text).toBe(200);
    expect(res.json.status).toBe('expired');
    const subId = (await admin('GET', `/v1/admin/members/${readerId}`)).json.stripe.subscription_id as string;
    expect((await b.stripe.subscriptions.retrieve(subId)).status).toBe('canceled');
    expect((await b.h.call('GET', '/v1/me', { token })).json.entitlement.entitled).toBe(false);
    expect((await b.deliver()).filter((s) => s >= 300)).toEqual([]);
    expect((await b.h.call('GET', '/v1/me', { token })).json.membership.status).toBe('expired');
    // Asking again finds the subscription over at Stripe: nothing more to do, same answer.
    const again = await admin('POST', `/v1/admin/members/${readerId}/cancel`, { at_period_end: false });
    expect(again.status, again.text).toBe(200);
    expect(again.json.status).toBe('expired');

    const trial = await b.h.call('POST', '/v1/readers', {
      body: { email: 'no.subscription@example.com', password: 'pass phrase 1' },
    });
    const refused = await admin('POST', `/v1/admin/members/${trial.json.reader.id}/cancel`, {
      at_period_end: true,
    });
    expect(refused.status).toBe(409);
    expect(await auditActions(trial.json.reader.id)).toEqual([]);
  });

  it('counts a checkout as a converted trial in the metrics', async () => {
    const today = new Date(b.emulatorNow() * 1000).toISOString().slice(0, 10);
    const before = await admin('GET', `/v1/admin/metrics?from=${today}&to=${today}`);
    await subscribedReader('converts@example.com');
    await b.h.call('POST', '/v1/readers', {
      body: { email: 'browses@example.com', password: 'pass phrase 1' },
    });
    const after = await admin('GET', `/v1/admin/metrics?from=${today}&to=${today}`);
    expect(after.status, after.text).toBe(200);
    expect(after.json.trials_started - before.json.trials_started).toBe(2);
    expect(after.json.trials_converted - before.json.trials_converted).toBe(1);
    expect(after.json.members.active - before.json.members.active).toBe(1);
    expect(after.json.active_paying - before.json.active_paying).toBe(1);
  });
});

describe('payout statements on libSQL', () => {
  it('stores one statement under concurrent requests', async () => {
    const pub = await admin('POST', '/v1/admin/publishers', {
      name: 'Node News',
      origins: ['https://node.example'],
    });
    const id = pub.json.publisher.id as string;
    for (const subject of ['s1', 's2', 's3']) {
      await b.h.ctx.db.run(
        sql`INSERT INTO reads (publisher_id, subject, article_id, day, membership, created_at) VALUES (${id}, ${subject}, 'a', '2024-02-10', 'paid', 0)`,
      );
    }
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        admin('POST', '/v1/admin/payouts', { month: '2024-02', amount: 7, currency: 'CHF' }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
    expect(answers[0]?.json.lines).toEqual([
      {
        publisher: id,
        publisher_name: 'Node News',
        reads: 3,
        amount: 7,
        root: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    const rows = await b.h.ctx.db.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM audit_log WHERE action = 'payout.create' AND target_id = ${answers[0]?.json.id}`,
    );
    expect(rows[0]?.n).toBe(1);
  });
});
