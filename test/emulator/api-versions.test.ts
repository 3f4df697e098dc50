/**
 * @module Webhook payloads in the endpoint's API version (issue 15, item 7): an endpoint created
 * with an older `api_version` receives the older shapes (an invoice's `subscription` at the top,
 * no `parent`; a subscription's period at the top), one without gets the pinned version's.
 */

import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_API_VERSION } from '../../tools/stripe-emulator/constants';
import { checkoutSession, type Harness, type Receiver, startHarness, startReceiver, T0 } from './helpers';

let h: Harness;
let older: Receiver;
let pinned: Receiver;

beforeAll(async () => {
  older = await startReceiver();
  pinned = await startReceiver();
  h = await startHarness({ webhookUrls: [older.url, pinned.url] });
  await h.control.reset(T0);
});
afterAll(async () => {
  await h.emu.close();
  await older.close();
  await pinned.close();
});

const objectOf = (r: Receiver, type: string) =>
  r.received.find((x) => x.event.type === type)?.event.data.object as unknown as Record<string, unknown>;

describe('payloads follow the endpoint API version', () => {
  it('2024-06-20 gets invoice.subscription and current_period_end at the top; the other the pinned shapes', async () => {
    await h.stripe.webhookEndpoints.create({
      url: older.url,
      enabled_events: ['*'],
      api_version: '2024-06-20' as Stripe.WebhookEndpointCreateParams.ApiVersion,
    });
    const { session } = await checkoutSession(h.stripe);
    const done = await h.control.completeCheckout(session.id);
    expect(done.ok).toBe(true);
    await h.control.flush();

    const paid = older.received.find((x) => x.event.type === 'invoice.paid')?.event;
    expect(paid?.api_version).toBe('2024-06-20');
    const invoice = objectOf(older, 'invoice.paid');
    expect(invoice.parent).toBeUndefined();
    expect(invoice.payments).toBeUndefined();
    expect(invoice.subscription).toMatch(/^sub_/);
    expect(invoice.payment_intent).toMatch(/^pi_/);
    expect(invoice.charge).toMatch(/^ch_/);
    const sub = objectOf(older, 'customer.subscription.updated');
    expect(typeof sub.current_period_end).toBe('number');

    const pinnedPaid = pinned.received.find((x) => x.event.type === 'invoice.paid')?.event;
    expect(pinnedPaid?.api_version).toBe(EMULATOR_API_VERSION);
    const current = objectOf(pinned, 'invoice.paid') as unknown as Stripe.Invoice;
    expect(current.parent?.subscription_details?.subscription).toBe(invoice.subscription);
    expect((current as unknown as Record<string, unknown>).subscription).toBeUndefined();
    // The same event, the same id, in both versions.
    expect(pinnedPaid?.id).toBe(paid?.id);
  });
});
