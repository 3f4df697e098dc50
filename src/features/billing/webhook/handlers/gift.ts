/**
 * @module Gift payments in the event stream: a payment-mode Checkout Session of a gift and the
 * refund of its charge belong to the gifts feature (which makes the gift redeemable or voids it);
 * they change no membership. Every other session and refund goes on to the membership handlers.
 */
import type Stripe from 'stripe';
import type { AppContext } from '../../../../app/context';
import { isGiftSession, onGiftPaid, onGiftRefunded } from '../../../gifts';
import { type Change, NO_CHANGE } from './change';
import { onChargeRefunded } from './refund';
import { onCheckoutCompleted } from './subscription';

export async function onCheckoutOrGift(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  if (!isGiftSession(event)) return onCheckoutCompleted(ctx, event);
  await onGiftPaid(ctx, event);
  return NO_CHANGE;
}

export async function onRefundOrGift(ctx: AppContext, event: Stripe.Event): Promise<Change> {
  if (await onGiftRefunded(ctx, event)) return NO_CHANGE;
  return onChargeRefunded(ctx, event);
}
