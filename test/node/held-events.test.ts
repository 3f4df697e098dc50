/**
 * @module Events that arrive before their subject: an event that matches no membership yet is held,
 * not lost, and applied once a membership is linked to its customer or subscription; one that never
 * matches is recorded `unmatched` once it is too old to.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BillingHarness, payCheckout, startBillingHarness } from './billing-harness';

let b: BillingHarness;
beforeAll(async () => {
  b = await startBillingHarness();
});
afterAll(async () => {
  await b.close();
});

async function post(payload: string, signature: string) {
  const res = await b.h.app.request('http://127.0.0.1:8787/v1/webhooks/stripe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  return { status: res.status, json: (await res.json()) as { outcome: string } };
}

async function held() {
  return b.h.ctx.db.all<{ id: string; type: string }>(sql`SELECT id, type FROM stripe_pending_events`);
}

describe('an event that arrives before its subject is linked', () => {
  it('holds a full refund, then applies it when the subscription is linked: access ends', async () => {
    const signUp = await b.h.call('POST', '/v1/readers', {
      body: { email: `held.${Date.now()}@example.com`, password: 'pass phrase 1' },
    });
    const readerId: string = signUp.json.reader.id;
    // Charged at once, so that the refund is of the current period's payment.
    await b.h.call('POST', `/v1/admin/members/${readerId}/trial`, {
      token: b.h.adminKey,
      body: { ends_at: new Date((b.emulatorNow() - 60) * 1000).toISOString() },
    });
    const url = (
      await b.h.call('POST', '/v1/me/checkout', {
        token: signUp.json.session_token,
        body: { plan: 'monthly' },
      })
    ).json.url;
    const done = await payCheckout(b.control, url);
    if (!done.ok) throw new Error('checkout failed');
    await b.control.refundLatest(done.subscription.id);
    // As for a customer made outside this service's Checkout: nothing links it to the reader yet.
    await b.h.ctx.db.run(sql`UPDATE memberships SET stripe_customer_id = NULL WHERE reader_id = ${readerId}`);

    const pending = await b.control.pendingDeliveries();
    const refund = pending.find((d) => d.type === 'charge.refunded');
    if (!refund) throw new Error('no refund event');
    const first = await post(refund.payload, refund.signature_header);
    expect(first).toEqual({ status: 200, json: expect.objectContaining({ outcome: 'unmatched' }) });
    expect(await held()).toEqual([{ id: refund.event_id, type: 'charge.refunded' }]);
    await b.control.reportDelivery(refund.id, 200);

    // The rest arrives: Checkout's completion links the subscription, and the held refund follows.
    expect((await b.deliver()).filter((s) => s !== 200)).toEqual([]);
    const me = await b.h.call('GET', '/v1/me', { token: signUp.json.session_token });
    expect(me.json.membership.status).toBe('expired');
    expect(await held()).toEqual([]);
    const [record] = await b.h.ctx.db.all<{ source: string; outcome: string }>(
      sql`SELECT source, outcome FROM stripe_events WHERE id = ${refund.event_id}`,
    );
    expect(record).toEqual({ source: 'retry', outcome: 'applied' });
    // Delivered again, it is a duplicate: it took effect once.
    expect((await post(refund.payload, refund.signature_header)).json.outcome).toBe('duplicate');
  });

  it('records a held event that never matches as unmatched once it is too old to', async () => {
    const customer = await b.stripe.customers.create({ email: 'nobody@example.com' });
    await b.stripe.customers.del(customer.id);
    const deletion = (await b.control.pendingDeliveries()).find(
      (d) => d.type === 'customer.deleted' && d.payload.includes(customer.id),
    );
    if (!deletion) throw new Error('no customer.deleted event');
    expect((await post(deletion.payload, deletion.signature_header)).json.outcome).toBe('unmatched');
    expect((await held()).map((h) => h.id)).toContain(deletion.event_id);
    await b.deliver();

    await b.control.advance({ seconds: 4 * 86_400 });
    const run = await b.h.call('POST', '/v1/admin/stripe/reconcile', { token: b.h.adminKey });
    expect(run.status).toBe(200);
    expect((await held()).map((h) => h.id)).not.toContain(deletion.event_id);
    const [record] = await b.h.ctx.db.all<{ outcome: string }>(
      sql`SELECT outcome FROM stripe_events WHERE id = ${deletion.event_id}`,
    );
    expect(record?.outcome).toBe('unmatched');
  });
});
