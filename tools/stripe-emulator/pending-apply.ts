/**
 * @module A pending subscription update's end (see pending-updates.ts): applied once its invoice is
 * paid, or discarded with that invoice voided when it expires; and voiding an open invoice.
 */
import type Stripe from 'stripe';
import type { EmulatorContext } from './context';
import { diff, emit } from './events';
import { type PendingChange, type SubscriptionRecord, snapshot } from './store';

/** Makes `next` the subscription's state, and forgets any pending update. */
export function commit(rec: SubscriptionRecord, next: PendingChange): void {
  Object.assign(rec.subscription, snapshot(next.subscription), { pending_update: null });
  rec.periodsSinceAnchor = next.periodsSinceAnchor;
  rec.discount = next.discount;
  delete rec.pending;
}

/**
 * After `invoiceId` was paid: the pending update it carried takes effect
 * (`customer.subscription.updated`, then `customer.subscription.pending_update_applied`).
 * Returns whether there was one.
 */
export function applyPendingUpdate(
  ctx: EmulatorContext,
  rec: SubscriptionRecord,
  invoiceId: string,
): boolean {
  const pending = rec.pending;
  if (pending?.invoiceId !== invoiceId) return false;
  const old = snapshot(rec.subscription);
  commit(rec, pending);
  rec.subscription.status = 'active';
  rec.pastDueSince = null;
  emit(ctx, 'customer.subscription.updated', rec.subscription, diff(old, rec.subscription));
  emit(ctx, 'customer.subscription.pending_update_applied', rec.subscription, {
    pending_update: old.pending_update,
  });
  return true;
}

/** `pending_update.expires_at` passed unpaid: the update is discarded and its invoice voided. */
export function expirePendingUpdate(ctx: EmulatorContext, rec: SubscriptionRecord): void {
  const pending = rec.pending;
  if (pending === undefined) return;
  const invoiceRec = ctx.state.invoices.get(pending.invoiceId);
  if (invoiceRec !== undefined) voidOpenInvoice(ctx, invoiceRec.invoice);
  const before = rec.subscription.pending_update;
  rec.subscription.pending_update = null;
  delete rec.pending;
  emit(ctx, 'customer.subscription.pending_update_expired', rec.subscription, { pending_update: before });
}

/** Voids an open invoice (`invoice.voided`); any other invoice is left as it is. */
export function voidOpenInvoice(ctx: EmulatorContext, invoice: Stripe.Invoice): void {
  if (invoice.status !== 'open') return;
  const before = { status: invoice.status, status_transitions: { ...invoice.status_transitions } };
  invoice.status = 'void';
  invoice.status_transitions.voided_at = ctx.state.now;
  invoice.next_payment_attempt = null;
  emit(ctx, 'invoice.voided', invoice, before);
}
