/** @module Creating `Stripe.Event`s: a snapshot of the object at the moment of change, stamped by the emulator clock. */

import type Stripe from 'stripe';
import { EMULATOR_API_VERSION } from './constants';
import type { EmulatorContext } from './context';
import { newId } from './ids';
import { snapshot } from './store';

export type EventType = Stripe.Event['type'];
export type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>;
export type EventObject<T extends EventType> = EventOf<T>['data']['object'];

/**
 * Records an event and hands it to webhook delivery. `previous` holds the old values of the
 * fields that changed, as Stripe's `data.previous_attributes` does on `*.updated` events.
 */
export function emit<T extends EventType>(
  ctx: EmulatorContext,
  type: T,
  object: EventObject<T>,
  previous?: Partial<EventObject<T>>,
): EventOf<T> {
  const data: Stripe.Event.Data = {
    object: snapshot(object),
    ...(previous === undefined ? {} : { previous_attributes: snapshot(previous) }),
  };
  const event = {
    id: newId('evt'),
    object: 'event',
    api_version: EMULATOR_API_VERSION,
    created: ctx.state.now,
    data,
    livemode: false,
    pending_webhooks: 0,
    request: ctx.request ?? { id: null, idempotency_key: null },
    type,
  } as EventOf<T>;
  ctx.state.events.push(event);
  ctx.state.eventsById.set(event.id, event);
  ctx.config.log(`event ${event.id} ${type}`);
  ctx.onEvent(event);
  return event;
}

/** The old values of `keys` in `before`, for `previous_attributes`. */
export function changed<T extends object, K extends keyof T>(before: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = before[k];
  return out;
}

/** Top-level fields whose wire value differs between `before` (a snapshot) and `after`, with their old values. */
export function diff<T extends object>(before: T, after: T): Partial<T> {
  const out: Partial<T> = {};
  const now = snapshot(after);
  for (const key of Object.keys(now) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(now[key])) out[key] = before[key];
  }
  return out;
}
