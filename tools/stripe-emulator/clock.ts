/** @module The emulator clock: advancing it runs everything that falls due, in time order. */

import type Stripe from 'stripe';
import { PAST_DUE_CANCEL_AFTER_SECONDS, TRIAL_WILL_END_LEAD_SECONDS } from './constants';
import type { EmulatorContext } from './context';
import { invalidRequest } from './errors';
import { emit } from './events';
import { cancelNow, endTrial, expireIncomplete, INCOMPLETE_EXPIRES_AFTER_SECONDS, renew } from './lifecycle';
import { expirePendingUpdate } from './pending-apply';
import { firstItem } from './store';

interface Due {
  at: number;
  /** Tie-break at equal times: expiries and cancellations before renewals, so an ending subscription is not billed. */
  rank: number;
  label: string;
  run: () => void;
}

function dueItems(ctx: EmulatorContext): Due[] {
  const out: Due[] = [];
  for (const rec of ctx.state.checkoutSessions.values()) {
    const session = rec.session;
    if (session.status !== 'open') continue;
    out.push({
      at: session.expires_at,
      rank: 0,
      label: `expire ${session.id}`,
      run: () => {
        const previous = { status: session.status };
        session.status = 'expired';
        session.url = null;
        emit(ctx, 'checkout.session.expired', session, previous);
      },
    });
  }
  for (const rec of ctx.state.subscriptions.values()) {
    const sub = rec.subscription;
    const status = sub.status;
    if (status === 'trialing' && sub.trial_end !== null && !rec.trialWillEndSent) {
      out.push({
        at: Math.max(sub.trial_end - TRIAL_WILL_END_LEAD_SECONDS, sub.created),
        rank: 1,
        label: `trial_will_end ${sub.id}`,
        run: () => {
          rec.trialWillEndSent = true;
          emit(ctx, 'customer.subscription.trial_will_end', sub);
        },
      });
    }
    if (status === 'incomplete') {
      out.push({
        at: sub.created + INCOMPLETE_EXPIRES_AFTER_SECONDS,
        rank: 0,
        label: `incomplete_expired ${sub.id}`,
        run: () => expireIncomplete(ctx, rec),
      });
    }
    if (
      status === 'canceled' ||
      status === 'incomplete_expired' ||
      status === 'incomplete' ||
      status === 'paused'
    ) {
      continue;
    }
    const pending = sub.pending_update;
    if (pending !== null && rec.pending !== undefined) {
      out.push({
        at: pending.expires_at,
        rank: 1,
        label: `pending update expired ${sub.id}`,
        run: () => expirePendingUpdate(ctx, rec),
      });
    }
    if (sub.cancel_at !== null) {
      out.push({
        at: sub.cancel_at,
        rank: 2,
        label: `cancel ${sub.id}`,
        run: () => cancelNow(ctx, rec, 'cancellation_requested', true),
      });
    }
    if (status === 'past_due' && rec.pastDueSince !== null) {
      out.push({
        at: rec.pastDueSince + PAST_DUE_CANCEL_AFTER_SECONDS,
        rank: 2,
        label: `dunning end ${sub.id}`,
        run: () => cancelNow(ctx, rec, 'payment_failed'),
      });
    }
    out.push({
      at: status === 'trialing' && sub.trial_end !== null ? sub.trial_end : firstItem(sub).current_period_end,
      rank: 3,
      label: `${status === 'trialing' ? 'trial end' : 'renew'} ${sub.id}`,
      run: () => (status === 'trialing' ? endTrial(ctx, rec) : renew(ctx, rec)),
    });
  }
  return out;
}

/**
 * Moves the clock to `target` (never backwards), running each due action at its own time so
 * that events carry the time they would have happened at. Returns the events emitted.
 */
export function advanceTo(ctx: EmulatorContext, target: number): Stripe.Event[] {
  const state = ctx.state;
  if (!Number.isInteger(target)) throw invalidRequest('The clock moves in whole seconds.', 'to');
  if (target < state.now) throw invalidRequest(`The clock only moves forward; it is ${state.now}.`, 'to');
  const first = state.events.length;
  // A generous bound: each step changes state so that the same item is not due again.
  for (let guard = 0; guard < 100_000; guard++) {
    let next: Due | undefined;
    for (const due of dueItems(ctx)) {
      if (due.at > target) continue;
      if (next === undefined || due.at < next.at || (due.at === next.at && due.rank < next.rank)) next = due;
    }
    if (next === undefined) break;
    state.now = Math.max(state.now, next.at);
    ctx.config.log(`clock ${state.now}: ${next.label}`);
    next.run();
  }
  state.now = target;
  return state.events.slice(first);
}

/** Runs whatever is already due (e.g. `trial_will_end` of a trial shorter than three days). */
export function settle(ctx: EmulatorContext): Stripe.Event[] {
  return advanceTo(ctx, ctx.state.now);
}
