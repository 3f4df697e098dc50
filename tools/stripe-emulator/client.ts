/** @module `EmulatorControl`: a typed fetch client for the emulator's `/_emulator/` test controls. */

import type Stripe from 'stripe';
import type { Delivery, DeliveryMode } from './webhooks';

export type { Delivery, DeliveryAttempt, DeliveryMode } from './webhooks';

export type SignedDelivery = Delivery & { signature_header: string };

export interface CardDetails {
  number: string;
  exp?: string;
  cvc?: string;
  name?: string;
  /** For a card that asks for 3-D Secure: false abandons (or fails) the challenge. */
  authenticate?: boolean;
  /** The billing address of a checkout with Stripe Tax (a two-letter country code). */
  country?: string;
  postal_code?: string;
}

export type CheckoutCompletion =
  | {
      ok: true;
      session: Stripe.Checkout.Session;
      subscription: Stripe.Subscription;
      redirect_url: string | null;
    }
  | {
      ok: false;
      error: { type: string; message: string; code: string; decline_code?: string; param?: string };
    };

export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`emulator control answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'EmulatorControlError';
  }
}

/**
 * Drives a running emulator from tests (works in Node and in workerd: it only needs `fetch`).
 *
 * @example
 * const control = new EmulatorControl('http://127.0.0.1:12111');
 * await control.completeCheckout(session.id, '4242424242424242');
 * const { events } = await control.advance({ seconds: 31 * 86_400 });
 */
export class EmulatorControl {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.base = baseUrl.replace(/\/$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<T> {
    const res = await this.fetchImpl(`${this.base}/_emulator${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const data: unknown = await res.json();
    if (!res.ok && !okStatuses.includes(res.status)) throw new EmulatorControlError(res.status, data);
    return data as T;
  }

  health() {
    return this.call<{
      ok: boolean;
      now: number;
      api_version: string;
      mode: DeliveryMode;
      webhook_endpoints: string[];
    }>('GET', '/health');
  }

  clock() {
    return this.call<{ now: number; iso: string }>('GET', '/clock');
  }

  /** API requests answered since start or the last `resetRequests`, by method and route. */
  requests() {
    return this.call<{ data: Record<string, number> }>('GET', '/requests').then((r) => r.data);
  }

  resetRequests() {
    return this.call<{ data: Record<string, number> }>('POST', '/requests/reset', {});
  }

  /** Moves the clock by `seconds` or to `to` (unix seconds); returns the new time and the events that fell due. */
  advance(by: { seconds: number } | { to: number }) {
    return this.call<{ now: number; events: Stripe.Event[] }>('POST', '/clock/advance', by);
  }

  setMode(mode: DeliveryMode) {
    return this.call<{ mode: DeliveryMode }>('POST', '/webhooks/mode', { mode });
  }

  held() {
    return this.call<{ data: Stripe.Event[] }>('GET', '/webhooks/held').then((r) => r.data);
  }

  /** Delivers held events: `order` first in that order, the rest in creation order, without `drop`. */
  release(options: { order?: string[]; drop?: string[] } = {}) {
    return this.call<{ delivered: Delivery[]; dropped: string[] }>('POST', '/webhooks/release', options);
  }

  /** Waits until no push delivery is in flight or waiting for a retry. */
  flush() {
    return this.call<{ idle: boolean }>('POST', '/webhooks/flush', {});
  }

  /** Renders the pull queue's events in `version` (an endpoint on an older API version); null: the pinned one. */
  setPullApiVersion(version: string | null) {
    return this.call<{ api_version: string | null }>('POST', '/webhooks/api-version', {
      api_version: version,
    });
  }

  webhookEndpoints() {
    return this.call<{ data: string[] }>('GET', '/webhook-endpoints').then((r) => r.data);
  }

  addWebhookEndpoint(url: string) {
    return this.call<{ data: string[] }>('POST', '/webhook-endpoints', { url }).then((r) => r.data);
  }

  removeWebhookEndpoint(url: string) {
    return this.call<{ data: string[] }>('DELETE', `/webhook-endpoints?url=${encodeURIComponent(url)}`).then(
      (r) => r.data,
    );
  }

  deliveries(filter: { status?: string; event_id?: string; type?: string; endpoint?: string } = {}) {
    const query = new URLSearchParams(
      Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined),
    );
    return this.call<{ data: SignedDelivery[] }>('GET', `/deliveries?${query}`).then((r) => r.data);
  }

  /** The pull queue: pending deliveries with the raw payload and a fresh `Stripe-Signature`. */
  pendingDeliveries() {
    return this.deliveries({ status: 'pending' });
  }

  reportDelivery(id: string, status: number) {
    return this.call<Delivery>('POST', `/deliveries/${encodeURIComponent(id)}/result`, { status });
  }

  /**
   * Pull mode in one call: hands each pending delivery to `deliver` (which should POST the payload
   * with the signature to the receiver and return its status) and reports the outcome.
   */
  async drainPull(
    deliver: (payload: string, signature: string, delivery: SignedDelivery) => Promise<number>,
  ) {
    const results: Array<{ id: string; event_id: string; type: string; status: number }> = [];
    for (const d of await this.pendingDeliveries()) {
      const status = await deliver(d.payload, d.signature_header, d);
      await this.reportDelivery(d.id, status);
      results.push({ id: d.id, event_id: d.event_id, type: d.type, status });
    }
    return results;
  }

  redeliver(eventId: string) {
    return this.call<{ data: Delivery[] }>(
      'POST',
      `/events/${encodeURIComponent(eventId)}/redeliver`,
      {},
    ).then((r) => r.data);
  }

  failNextCharge(subscriptionId: string) {
    return this.call<{ subscription: string; fail_next_charge: true }>(
      'POST',
      `/subscriptions/${encodeURIComponent(subscriptionId)}/fail-next-charge`,
      {},
    );
  }

  pauseSubscription(subscriptionId: string) {
    return this.call<Stripe.Subscription>(
      'POST',
      `/subscriptions/${encodeURIComponent(subscriptionId)}/pause`,
      {},
    );
  }

  refundLatest(subscriptionId: string) {
    return this.call<{ refund: Stripe.Refund; charge: Stripe.Charge }>(
      'POST',
      `/subscriptions/${encodeURIComponent(subscriptionId)}/refund-latest`,
      {},
    );
  }

  /** Replaces the customer's card (same test-card rules as the portal); a bare number gets valid defaults. */
  replaceCard(customerId: string, card: string | CardDetails) {
    return this.call<{ customer: Stripe.Customer; card: { id: string; last4: string } }>(
      'POST',
      `/customers/${encodeURIComponent(customerId)}/card`,
      { card },
    );
  }

  /** Runs the hosted checkout page's submit path; a refused card resolves with `ok: false`. */
  /** `card: null` completes a trial session with `payment_method_collection=if_required` without a card. */
  completeCheckout(sessionId: string, card: string | CardDetails | null = '4242424242424242') {
    return this.call<CheckoutCompletion>(
      'POST',
      `/checkout/sessions/${encodeURIComponent(sessionId)}/complete`,
      { card },
      [400, 402, 409],
    );
  }

  reset(now?: number) {
    return this.call<{ ok: true; now: number }>('POST', '/reset', now === undefined ? {} : { now });
  }
}
