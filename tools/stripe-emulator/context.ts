/** @module What every emulator module works on: configuration, the current state and the event sink. */

import type Stripe from 'stripe';
import type { State } from './store';

export interface EmulatorConfig {
  secretKey: string;
  webhookSecret: string;
  /** `http://host:port`, known once the server listens; used in hosted page URLs. */
  baseUrl: string;
  log: (line: string) => void;
}

export interface EmulatorContext {
  readonly config: EmulatorConfig;
  /** Replaced wholesale by a reset. */
  state: State;
  /** The API request being handled, recorded on the events it causes; null for clock-driven changes. */
  request: Stripe.Event.Request | null;
  /** Called for every new event, after it is stored (webhook delivery hooks in here). */
  onEvent: (event: Stripe.Event) => void;
  /** API requests answered, by method and route (`GET /v1/subscriptions/:id`), for benchmarks. */
  readonly apiCalls: Map<string, number>;
}
