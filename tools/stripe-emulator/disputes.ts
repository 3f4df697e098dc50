/**
 * @module Disputes as Stripe's test mode makes them: a payment with the test card 0259 succeeds,
 * then is disputed as fraudulent at once (`charge.dispute.created`, then
 * `charge.dispute.funds_withdrawn`). Evidence with `uncategorized_text` `winning_evidence` or
 * `losing_evidence` closes it won (`charge.dispute.funds_reinstated`, then `.closed`) or lost
 * (`.closed`); closing it (`POST /v1/disputes/:id/close`) accepts it, lost.
 */

import type Stripe from 'stripe';
import type { EmulatorContext } from './context';
import { invalidRequest } from './errors';
import { changed, emit } from './events';
import { newId } from './ids';
import { buildDispute } from './objects/dispute';

/** Stripe's test card whose payments are disputed (fraudulent) right after they succeed. */
export const DISPUTED_CARD = '4000000000000259';

/** Whether a card (its last four) is the disputed test card. */
export function isDisputedCard(last4: string | undefined): boolean {
  return last4 === DISPUTED_CARD.slice(-4);
}

/** Opens a dispute for a succeeded charge, with its events. */
export function openDispute(ctx: EmulatorContext, charge: Stripe.Charge): Stripe.Dispute {
  const dispute = buildDispute(newId('dp'), charge, ctx.state.now);
  ctx.state.disputes.set(dispute.id, dispute);
  const before = { ...charge };
  charge.disputed = true;
  emit(ctx, 'charge.dispute.created', dispute);
  emit(ctx, 'charge.updated', charge, changed(before, ['disputed']));
  const withdrawn = { ...dispute };
  dispute.balance_transactions = [];
  emit(ctx, 'charge.dispute.funds_withdrawn', dispute, changed(withdrawn, ['balance_transactions']));
  return dispute;
}

const OPEN: ReadonlySet<string> = new Set(['needs_response', 'under_review', 'warning_needs_response']);

/** Closes an open dispute won or lost, with Stripe's events. */
export function closeDispute(ctx: EmulatorContext, dispute: Stripe.Dispute, outcome: 'won' | 'lost'): void {
  if (!OPEN.has(dispute.status)) throw invalidRequest(`This dispute is already ${dispute.status}.`);
  const before = { ...dispute };
  dispute.status = outcome;
  dispute.is_charge_refundable = false;
  if (outcome === 'won') emit(ctx, 'charge.dispute.funds_reinstated', dispute);
  emit(ctx, 'charge.dispute.closed', dispute, changed(before, ['status']));
}
