/** @module Webhook delivery: Stripe-signed POSTs with retries, plus hold/release and a pull queue for portless receivers. */

import { createHmac } from 'node:crypto';
import type Stripe from 'stripe';
import { invalidRequest, resourceMissing } from './errors';
import { newId } from './ids';
import { eventAtVersion } from './versions';

export type DeliveryMode = 'auto' | 'hold' | 'pull';
export const DELIVERY_MODES: readonly DeliveryMode[] = ['auto', 'hold', 'pull'];

export function isDeliveryMode(value: unknown): value is DeliveryMode {
  return DELIVERY_MODES.some((mode) => mode === value);
}

export interface DeliveryAttempt {
  /** Wall-clock time of the attempt (ISO 8601). */
  at: string;
  /** The receiver's HTTP status, or null on a network error. */
  status: number | null;
  error: string | null;
  duration_ms: number;
}

export interface Delivery {
  id: string;
  event_id: string;
  type: string;
  /** The endpoint URL, or null for a delivery waiting in the pull queue. */
  endpoint: string | null;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: DeliveryAttempt[];
  next_attempt_at: string | null;
  /** The exact raw body sent (or to send): what the signature covers. */
  payload: string;
  created: string;
}

export interface WebhookOptions {
  secret: string;
  endpoints: string[];
  mode: DeliveryMode;
  retryBaseMs: number;
  maxAttempts: number;
  log: (line: string) => void;
  /** Called after anything a saved state holds changes (endpoints, held events, deliveries). */
  onChange?: () => void;
  /** The API version an endpoint URL was created with (`/v1/webhook_endpoints`), if any. */
  apiVersionOf?: (url: string) => string | null;
}

/** What a saved emulator keeps of its webhooks; the mode comes from the configuration each start. */
export interface WebhookSnapshot {
  endpoints: string[];
  held: Stripe.Event[];
  deliveries: Delivery[];
}

/** `Stripe-Signature` exactly as Stripe builds it: HMAC-SHA256 of `"<t>.<payload>"`, hex. */
export function signatureHeader(
  payload: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

const DELIVERY_TIMEOUT_MS = 10_000;

export class WebhookDispatcher {
  readonly endpoints: string[];
  mode: DeliveryMode;
  /**
   * The API version the pull queue's receiver was set up with (as `stripe listen` without
   * `--latest` gets the account's default version); null: the pinned version.
   */
  pullApiVersion: string | null = null;
  private readonly initialMode: DeliveryMode;
  private held: Stripe.Event[] = [];
  private deliveries = new Map<string, Delivery>();
  /** Per endpoint, the chain of first attempts: it keeps deliveries in event order. */
  private chains = new Map<string, Promise<void>>();
  private inFlight = new Set<Promise<void>>();
  private timers = new Set<NodeJS.Timeout>();
  private abort = new AbortController();

  constructor(private readonly options: WebhookOptions) {
    this.endpoints = [...options.endpoints];
    this.mode = options.mode;
    this.initialMode = options.mode;
  }

  /** Called for every new event. */
  onEvent(event: Stripe.Event): void {
    event.pending_webhooks =
      this.mode === 'auto' ? this.endpoints.length : Math.max(1, this.endpoints.length);
    if (this.mode === 'hold') this.held.push(event);
    else if (this.mode === 'pull') this.enqueuePull(event);
    else for (const url of this.endpoints) void this.enqueuePush(event, url);
    this.changed();
  }

  snapshot(): WebhookSnapshot {
    return {
      endpoints: [...this.endpoints],
      held: [...this.held],
      deliveries: [...this.deliveries.values()],
    };
  }

  /**
   * Takes over a saved snapshot: its endpoints join the configured ones, pending pushes are tried
   * again (as Stripe keeps retrying across an outage), and events held under `hold` are released
   * when this start is not in `hold` mode.
   */
  restore(saved: WebhookSnapshot): void {
    for (const url of saved.endpoints) if (!this.endpoints.includes(url)) this.endpoints.push(url);
    this.deliveries = new Map(saved.deliveries.map((d) => [d.id, d]));
    for (const delivery of this.deliveries.values()) {
      const url = delivery.endpoint;
      if (url === null || delivery.status !== 'pending') continue;
      const attempt = (this.chains.get(url) ?? Promise.resolve()).then(() => this.attempt(delivery));
      this.chains.set(url, attempt);
      this.track(attempt);
    }
    this.held = [...saved.held];
    if (this.mode !== 'hold' && this.held.length > 0) void this.release({});
  }

  private changed(): void {
    this.options.onChange?.();
  }

  addEndpoint(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalidRequest(`Invalid URL: ${url}`, 'url');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw invalidRequest('Use an http(s) URL.', 'url');
    if (!this.endpoints.includes(url)) this.endpoints.push(url);
    this.changed();
  }

  removeEndpoint(url: string): void {
    const i = this.endpoints.indexOf(url);
    if (i >= 0) this.endpoints.splice(i, 1);
    this.changed();
  }

  /** Leaving `hold` releases what was held, in creation order, so that nothing is stuck by accident. */
  async setMode(mode: DeliveryMode): Promise<void> {
    const wasHolding = this.mode === 'hold';
    this.mode = mode;
    if (wasHolding && mode !== 'hold') await this.release({});
  }

  heldEvents(): Stripe.Event[] {
    return [...this.held];
  }

  /**
   * Delivers the held events: those named in `order` first, in that order, then the rest in
   * creation order; `drop` ones are discarded (they stay in `GET /v1/events`). Goes to every
   * endpoint, or to the pull queue when there is none. Resolves after the first attempts.
   */
  async release(input: {
    order?: string[];
    drop?: string[];
  }): Promise<{ delivered: Delivery[]; dropped: string[] }> {
    const byId = new Map(this.held.map((e) => [e.id, e]));
    for (const id of [...(input.order ?? []), ...(input.drop ?? [])]) {
      if (!byId.has(id)) throw invalidRequest(`Event ${id} is not held.`, 'order');
    }
    const drop = new Set(input.drop ?? []);
    const first = (input.order ?? []).filter((id) => !drop.has(id));
    const rest = this.held.filter((e) => !drop.has(e.id) && !first.includes(e.id)).map((e) => e.id);
    const events = [...first, ...rest]
      .map((id) => byId.get(id))
      .filter((e): e is Stripe.Event => e !== undefined);
    this.held = [];
    this.changed();
    const delivered = await this.deliverNow(events);
    return { delivered, dropped: [...drop] };
  }

  /** Sends an event again (a duplicate, as Stripe's "resend" does), whatever the mode. */
  async redeliver(event: Stripe.Event): Promise<Delivery[]> {
    return this.deliverNow([event]);
  }

  private async deliverNow(events: Stripe.Event[]): Promise<Delivery[]> {
    if (this.endpoints.length === 0) return events.map((e) => this.enqueuePull(e));
    const pushes = events.flatMap((e) => this.endpoints.map((url) => this.enqueuePush(e, url)));
    return Promise.all(pushes);
  }

  list(filter: { status?: string; event_id?: string; type?: string }): Delivery[] {
    return [...this.deliveries.values()].filter(
      (d) =>
        (filter.status === undefined || d.status === filter.status) &&
        (filter.event_id === undefined || d.event_id === filter.event_id) &&
        (filter.type === undefined || d.type === filter.type),
    );
  }

  /** The delivery with a `Stripe-Signature` made now, so that a pull receiver's 5-minute tolerance holds. */
  withSignature(delivery: Delivery): Delivery & { signature_header: string } {
    return { ...delivery, signature_header: signatureHeader(delivery.payload, this.options.secret) };
  }

  /** Records a pull receiver's answer: 2xx settles it, anything else stays pending until the attempts run out. */
  recordResult(id: string, status: number): Delivery {
    const delivery = this.deliveries.get(id);
    if (delivery === undefined || delivery.endpoint !== null) throw resourceMissing('delivery', id);
    if (delivery.status !== 'pending') throw invalidRequest(`Delivery ${id} is already ${delivery.status}.`);
    delivery.attempts.push({ at: new Date().toISOString(), status, error: null, duration_ms: 0 });
    this.settleAttempt(delivery, status >= 200 && status < 300);
    return delivery;
  }

  /** Resolves when no push delivery is in flight or waiting for a retry (or after `timeoutMs`). */
  async idle(timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const waiting = [...this.deliveries.values()].some(
        (d) => d.endpoint !== null && d.status === 'pending',
      );
      if (this.inFlight.size === 0 && !waiting) return true;
      await Promise.race([...this.inFlight, new Promise((r) => setTimeout(r, 5))]);
    }
    return false;
  }

  /** Forgets deliveries and held events and cancels anything in flight; endpoints stay, the mode returns to its start value, the pull queue to the pinned API version. */
  reset(): void {
    this.cancelAll();
    this.held = [];
    this.deliveries.clear();
    this.chains.clear();
    this.mode = this.initialMode;
    this.pullApiVersion = null;
    this.changed();
  }

  close(): void {
    this.cancelAll();
  }

  private cancelAll(): void {
    this.abort.abort();
    this.abort = new AbortController();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private newDelivery(event: Stripe.Event, endpoint: string | null): Delivery {
    const delivery: Delivery = {
      id: newId('wd'),
      event_id: event.id,
      type: event.type,
      endpoint,
      status: 'pending',
      attempts: [],
      next_attempt_at: endpoint === null ? null : new Date().toISOString(),
      // Stripe sends pretty-printed JSON, in the endpoint's API version; receivers must verify
      // these exact bytes.
      payload: JSON.stringify(eventAtVersion(event, this.apiVersionFor(endpoint)), null, 2),
      created: new Date().toISOString(),
    };
    this.deliveries.set(delivery.id, delivery);
    return delivery;
  }

  private apiVersionFor(endpoint: string | null): string | null {
    if (endpoint === null) return this.pullApiVersion;
    return this.options.apiVersionOf?.(endpoint) ?? null;
  }

  private enqueuePull(event: Stripe.Event): Delivery {
    return this.newDelivery(event, null);
  }

  private enqueuePush(event: Stripe.Event, url: string): Promise<Delivery> {
    const delivery = this.newDelivery(event, url);
    const previous = this.chains.get(url) ?? Promise.resolve();
    const attempt = previous.then(() => this.attempt(delivery));
    this.chains.set(url, attempt);
    this.track(attempt);
    return attempt.then(() => delivery);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const url = delivery.endpoint;
    if (url === null || delivery.status !== 'pending' || !this.deliveries.has(delivery.id)) return;
    const signal = this.abort.signal;
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Stripe-Signature': signatureHeader(delivery.payload, this.options.secret),
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          Accept: '*/*; q=0.5, application/xml',
        },
        body: delivery.payload,
        signal: AbortSignal.any([signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      if (signal.aborted) return;
      error = err instanceof Error ? err.message : String(err);
    }
    delivery.attempts.push({
      at: new Date(started).toISOString(),
      status,
      error,
      duration_ms: Date.now() - started,
    });
    const ok = status !== null && status >= 200 && status < 300;
    this.options.log(`webhook ${delivery.type} ${delivery.event_id} -> ${url}: ${status ?? error}`);
    this.settleAttempt(delivery, ok);
  }

  /** Exponential backoff from the base delay; after `maxAttempts` the delivery is given up. */
  private settleAttempt(delivery: Delivery, ok: boolean): void {
    this.changed();
    if (ok) {
      delivery.status = 'succeeded';
      delivery.next_attempt_at = null;
      return;
    }
    const n = delivery.attempts.length;
    if (n >= this.options.maxAttempts) {
      delivery.status = 'failed';
      delivery.next_attempt_at = null;
      return;
    }
    if (delivery.endpoint === null) return;
    const delay = this.options.retryBaseMs * 2 ** (n - 1);
    delivery.next_attempt_at = new Date(Date.now() + delay).toISOString();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.attempt(delivery));
    }, delay);
    this.timers.add(timer);
  }
}
