/**
 * @module Invoice events (`invoice.paid`, `invoice.payment_failed`): the subscription the invoice
 * bills, found in whichever shape the endpoint's API version sends, re-fetched and mapped.
 */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import { idOf } from '../../snapshot';
import { callStripeUnlessMissing } from '../../stripe';
import { type Change, NO_CHANGE } from './change';
import { fromSubscription } from './subscription';

/**
 * The subscription an invoice bills, in either shape an event payload can have: the pinned API's
 * `parent.subscription_details.subscription`, or `subscription` at the top, as an endpoint on an
 * API version before 2025-03-31 receives it. Payloads follow the endpoint's version, the SDK's
 * calls the pinned one: with neither field, the invoice is read again from Stripe.
 */
export async function subscriptionOfInvoice(
  ctx: AppContext,
  invoice: Stripe.Invoice,
): Promise<string | null> {
  const legacy = (invoice as { subscription?: string | { id: string } | null }).subscription;
  const found = idOf(invoice.parent?.subscription_details?.subscription) ?? idOf(legacy);
  if (found || !invoice.id || invoice.parent !== undefined) return found;
  const fetched = await callStripeUnlessMissing(ctx, 'invoices.retrieve', (stripe) =>
    stripe.invoices.retrieve(invoice.id as string),
  );
  return idOf(fetched?.parent?.subscription_details?.subscription);
}

/** `invoice.paid` / `invoice.payment_failed`: the invoice's subscription; a failure starts grace. */
export async function onInvoiceEvent(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  const invoice = event.data.object as Stripe.Invoice;
  const subscriptionId = await subscriptionOfInvoice(ctx, invoice);
  if (!subscriptionId) return NO_CHANGE;
  return fromSubscription(ctx, event, subscriptionId, {
    customerId: idOf(invoice.customer),
    failedAt: event.type === 'invoice.payment_failed' ? new Date(event.created * 1000) : null,
  });
}
