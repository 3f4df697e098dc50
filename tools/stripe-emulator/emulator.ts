/** @module One emulator instance: its context, webhook dispatcher, clock controls and reset. */

import type Stripe from 'stripe';
import { advanceTo } from './clock';
import type { EmulatorConfig, EmulatorContext } from './context';
import { createState, type State } from './store';
import { type DeliveryMode, WebhookDispatcher, type WebhookSnapshot } from './webhooks';

export interface EmulatorSettings extends EmulatorConfig {
  webhookUrls: string[];
  deliveryMode: DeliveryMode;
  retryBaseMs: number;
  maxAttempts: number;
  /** Start of the clock, unix seconds. */
  now: number;
  /** When true the clock also moves with wall-clock time (for interactive use); tests leave it frozen. */
  followRealTime: boolean;
}

export interface SavedEmulator {
  state: State;
  offset: number;
  webhooks: WebhookSnapshot;
}

function wallClock(): number {
  return Math.floor(Date.now() / 1000);
}

export class Emulator {
  readonly ctx: EmulatorContext;
  readonly webhooks: WebhookDispatcher;
  readonly settings: EmulatorSettings;
  /** Emulator time minus wall-clock time, so that following real time keeps earlier advances. */
  private offset: number;
  private readonly listeners: (() => void)[] = [];

  constructor(settings: EmulatorSettings) {
    this.settings = settings;
    this.webhooks = new WebhookDispatcher({
      secret: settings.webhookSecret,
      endpoints: settings.webhookUrls,
      mode: settings.deliveryMode,
      retryBaseMs: settings.retryBaseMs,
      maxAttempts: settings.maxAttempts,
      log: settings.log,
      onChange: () => this.changed(),
      apiVersionOf: (url) =>
        [...this.ctx.state.webhookEndpoints.values()].find((e) => e.url === url)?.api_version ?? null,
    });
    this.ctx = {
      config: settings,
      state: createState(settings.now),
      request: null,
      onEvent: (event) => this.webhooks.onEvent(event),
      apiCalls: new Map(),
    };
    this.offset = settings.now - wallClock();
  }

  get now(): number {
    return this.ctx.state.now;
  }

  advance(target: number): Stripe.Event[] {
    const events = advanceTo(this.ctx, target);
    this.offset = this.ctx.state.now - wallClock();
    return events;
  }

  /** Called periodically when following real time; the clock moving alone is no change worth saving. */
  tick(): void {
    if (!this.settings.followRealTime) return;
    const target = wallClock() + this.offset;
    if (target > this.ctx.state.now && advanceTo(this.ctx, target).length > 0) this.changed();
  }

  /** `listener` runs after every change a saved state would hold (see `persist.ts`). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Called by the app after each request that may have changed something, and by the webhooks. */
  changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Everything a restart must not forget: the data, the clock's lead on wall-clock time, the webhooks. */
  saved(): SavedEmulator {
    return { state: this.ctx.state, offset: this.offset, webhooks: this.webhooks.snapshot() };
  }

  /** Takes over a saved emulator; a clock that follows real time keeps its lead, so time spent stopped passes. */
  restore(saved: SavedEmulator): void {
    this.ctx.state = saved.state;
    this.offset = saved.offset;
    this.webhooks.restore(saved.webhooks);
  }

  /** Back to the preconfigured prices and no other data; the clock restarts at `now` (default: wall clock). */
  reset(now: number = wallClock()): void {
    this.webhooks.reset();
    this.ctx.state = createState(now);
    this.offset = now - wallClock();
    this.changed();
  }
}
