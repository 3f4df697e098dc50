/**
 * Issue 15 on the Worker's door (workerd, D1): a disputed payment (Stripe's test card 0259) ends
 * access and a won dispute restores it (item 6); an invoice event in the pre-2025-03-31 shape still
 * finds its subscription (item 7).
 */
import { SELF } from 'cloudflare:test';
import Stripe from 'stripe';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { EmulatorControl } from '../../tools/stripe-emulator/client';
import { adminKey, BASE, call, signUp } from './helpers';

const emulatorUrl = inject('stripeEmulatorUrl');
const control = new EmulatorControl(emulatorUrl);
const stripe = new Stripe('sk_test_emulator_0000000000000000', {
  httpClient: Stripe.createFetchHttpClient(),
  host: '127.0.0.1',
  port: Number(new URL(emulatorUrl).port),
  protocol: 'http',
});

async function deliver(): Promise<{ type: string; status: number; outcome: string | null }[]> {
  const pending = await control.pendingDeliveries();
  const out: { type: string; status: number; outcome: string | null }[] = [];
  for (const d of pending) {
    const res = await SELF.fetch(`${BASE}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': d.signature_header },
      body: d.payload,
    });
    const text = await res.text();
    await control.reportDelivery(d.id, res.status);
    out.push({
      type: d.type,
      status: res.status,
      outcome: res.ok ? (JSON.parse(text).outcome ?? null) : null,
    });
  }
  return out;
}

/** A reader past the free trial who pays at once with `card`. */
async function paying(card: string) {
  const { token, reader } = await signUp();
  const ended = await call('POST', `/v1/admin/members/${reader.id}/trial`, {
    token: adminKey(),
    body: { ends_at: new Date(Date.now() - 120_000).toISOString() },
  });
  expect(ended.status, ended.text).toBe(200);
  const res = await call('POST', '/v1/me/checkout', { token, body: { plan: 'monthly' } });
  expect(res.status, res.text).toBe(200);
  const done = await control.completeCheckout(String(res.json.url).split('/').pop() ?? '', card);
  expect(done.ok).toBe(true);
  return { token, reader };
}

describe('issue 15 on workerd', () => {
  beforeEach(async () => {
    await control.reset();
  });

  it('a disputed payment ends access; the dispute won, access is back', async () => {
    const { token } = await paying('4000000000000259');
    const delivered = await deliver();
    expect(delivered.filter((d) => d.status >= 500)).toEqual([]);
    expect(delivered.find((d) => d.type === 'charge.dispute.created')?.outcome).toBe('applied');
    let me = await call('GET', '/v1/me', { token });
    expect(me.json.entitlement).toMatchObject({ entitled: false, reason: 'payment_failed' });
    const [dispute] = (await stripe.disputes.list()).data;
    await stripe.disputes.update(dispute?.id ?? '', { evidence: { uncategorized_text: 'winning_evidence' } });
    expect((await deliver()).filter((d) => d.status >= 500)).toEqual([]);
    me = await call('GET', '/v1/me', { token });
    expect(me.json.membership.status).toBe('active');
    expect(me.json.entitlement.entitled).toBe(true);
  });

  it('invoice events of an endpoint on API 2024-06-20 (invoice.subscription) still match', async () => {
    await control.setPullApiVersion('2024-06-20');
    try {
      await paying('4242424242424242');
      const delivered = await deliver();
      expect(delivered.filter((d) => d.status >= 500)).toEqual([]);
      const paid = delivered.filter((d) => d.type === 'invoice.paid');
      expect(paid).toHaveLength(1);
      expect(paid[0]?.outcome).not.toBe('unmatched');
    } finally {
      await control.setPullApiVersion(null);
    }
  });
});
