/**
 * @module Invoice events (`invoice.paid`, `invoice.payment_failed`, `invoice.payment_action_required`):
 * the subscription the invoice bills, found in whichever shape the endpoint's API version sends, re-fetched and mapped.
 */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import { rfc3339OrNull } from '../../../../domain/time';
import { mailRow } from '../../../mail';
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

/**
 * `invoice.payment_action_required`: a renewal needs the cardholder (3-D Secure) before the bank
 * pays it. The subscription is mapped as for a failure (past due, grace from now), and the reader
 * gets the link that completes it: the invoice's hosted page, where Stripe runs the challenge.
 */
export async function onInvoiceActionRequired(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  const invoice = event.data.object as Stripe.Invoice;
  const subscriptionId = await subscriptionOfInvoice(ctx, invoice);
  if (!subscriptionId) return NO_CHANGE;
  const change = await fromSubscription(ctx, event, subscriptionId, {
    customerId: idOf(invoice.customer),
    failedAt: new Date(event.created * 1000),
  });
  if (!change.target || invoice.status === 'paid') return change;
  const mail = mailRow(ctx, {
    dedupeKey: `payment_action_required:${invoice.id}`,
    readerId: change.target.row.readerId,
    to: change.target.email,
    template: 'payment_action_required',
    payload: {
      action_url: invoice.hosted_invoice_url ?? null,
      amount: invoice.amount_due,
      currency: invoice.currency,
      grace_until: rfc3339OrNull(change.next?.graceUntil ?? null),
      manage_url: `${ctx.config.publicUrl}/account`,
    },
  });
  return { ...change, mails: [...(change.mails ?? []), mail] };
}
