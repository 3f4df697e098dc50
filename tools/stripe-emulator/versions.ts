/**
 * @module Event payloads at an endpoint's API version: Stripe renders each webhook in the version the
 * endpoint was created with (or the account's default), not the caller's. The emulator's objects are
 * of the pinned version; for an endpoint on a version before `2025-03-31.basil` they are rewritten
 * into the older shapes a service must still read: an invoice names its subscription, charge and
 * payment intent at the top (`invoice.subscription`, no `parent`, no `payments`), a subscription
 * carries its period at the top (`current_period_start`/`_end`).
 */

import type Stripe from 'stripe';
import { EMULATOR_API_VERSION } from './constants';

/** The first API version with `invoice.parent`, invoice payments and periods on subscription items. */
export const BASIL = '2025-03-31.basil';

/** Whether `version` is older than `than` (Stripe versions sort as their dates). */
export function olderThan(version: string, than: string): boolean {
  return version.slice(0, 10) < than.slice(0, 10);
}

type Json = Record<string, unknown>;

function legacyInvoice(invoice: Json): Json {
  const {
    parent,
    payments,
    amount_overpaid: _o,
    ...rest
  } = invoice as Json & {
    parent?: Stripe.Invoice['parent'];
    payments?: Stripe.Invoice['payments'];
  };
  const details = parent?.subscription_details ?? null;
  const payment = payments?.data?.[0]?.payment ?? null;
  return {
    ...rest,
    subscription: details?.subscription ?? null,
    subscription_details: details === null ? null : { metadata: details.metadata ?? {} },
    charge: payment?.charge ?? null,
    payment_intent: payment?.payment_intent ?? null,
    paid: invoice.status === 'paid',
  };
}

function legacySubscription(sub: Json): Json {
  const item = (sub as { items?: { data?: Json[] } }).items?.data?.[0];
  return {
    ...sub,
    current_period_start: item?.current_period_start ?? null,
    current_period_end: item?.current_period_end ?? null,
  };
}

function legacyObject(object: Json): Json {
  if (object.object === 'invoice') return legacyInvoice(object);
  if (object.object === 'subscription') return legacySubscription(object);
  return object;
}

/** The event as an endpoint on `version` receives it; the pinned version gets it unchanged. */
export function eventAtVersion(event: Stripe.Event, version: string | null | undefined): Stripe.Event {
  if (!version || version === EMULATOR_API_VERSION) return event;
  const data = event.data as unknown as { object: Json; previous_attributes?: Json };
  const legacy = olderThan(version, BASIL);
  return {
    ...event,
    api_version: version,
    data: {
      ...data,
      object: legacy ? legacyObject(data.object) : data.object,
    },
  } as unknown as Stripe.Event;
}
