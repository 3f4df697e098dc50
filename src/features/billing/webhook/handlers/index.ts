/**
 * @module One handler per Stripe event type, behind one map: the map is the list of handled types,
 * so the two cannot drift apart. Every other type is answered 200 and ignored.
 */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import type { Change } from './change';
import { onCustomerDeleted } from './customer';
import { onDisputeEvent } from './dispute';
import { onCheckoutOrGift, onRefundOrGift } from './gift';
import { onInvoiceActionRequired, onInvoiceEvent } from './invoice';
import { onSubscriptionEvent } from './subscription';

export type EventHandler = (ctx: AppContext, event: Stripe.Event) => Promise<Change>;

const HANDLERS: Readonly<Record<string, EventHandler>> = {
  'checkout.session.completed': onCheckoutOrGift,
  'customer.subscription.created': onSubscriptionEvent,
  'customer.subscription.updated': onSubscriptionEvent,
  'customer.subscription.deleted': onSubscriptionEvent,
  'customer.subscription.trial_will_end': onSubscriptionEvent,
  'customer.subscription.paused': onSubscriptionEvent,
  'customer.subscription.resumed': onSubscriptionEvent,
  // A change made with payment_behavior=pending_if_incomplete took effect once paid, or lapsed.
  'customer.subscription.pending_update_applied': onSubscriptionEvent,
  'customer.subscription.pending_update_expired': onSubscriptionEvent,
  'invoice.paid': onInvoiceEvent,
  'invoice.payment_failed': onInvoiceEvent,
  'invoice.payment_action_required': onInvoiceActionRequired,
  'charge.refunded': onRefundOrGift,
  'charge.dispute.created': onDisputeEvent,
  'charge.dispute.funds_withdrawn': onDisputeEvent,
  'charge.dispute.closed': onDisputeEvent,
  'customer.deleted': onCustomerDeleted,
};

export const HANDLED_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(HANDLERS));

/** The handler of an event type, or undefined for a type the service ignores. */
export function handlerOf(type: string): EventHandler | undefined {
  return Object.hasOwn(HANDLERS, type) ? HANDLERS[type] : undefined;
}

export type { Change } from './change';
