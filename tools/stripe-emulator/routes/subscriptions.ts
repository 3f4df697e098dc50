/** @module `/v1/subscriptions`: retrieve, list, update (cancel at period end, metadata, price, trial, billing now, pending updates), cancel, resume. */

import { Hono } from 'hono';
import type { EmulatorContext } from '../context';
import { invalidRequest, missingReference, resourceMissing } from '../errors';
import {
  applyMetadata,
  asObject,
  type FormObject,
  optBool,
  optInt,
  optList,
  optObject,
  optString,
} from '../form';
import { apiRoute, matchesCreated, newestFirst, paginate } from '../http';
import {
  assertNotCanceled,
  cancelNow,
  changePrice,
  endTrialNow,
  resume,
  setCancelAt,
  setCancelAtPeriodEnd,
  setTrialEnd,
  updateSubscription,
} from '../lifecycle';
import { assertPendingParams, billNow, type UpdateBehavior } from '../pending-updates';
import { firstItem, type SubscriptionRecord } from '../store';

const STATUSES = new Set([
  'active',
  'all',
  'canceled',
  'ended',
  'incomplete',
  'incomplete_expired',
  'past_due',
  'paused',
  'trialing',
  'unpaid',
]);

export function requireSubscription(ctx: EmulatorContext, id: string): SubscriptionRecord {
  const rec = ctx.state.subscriptions.get(id);
  if (rec === undefined) throw resourceMissing('subscription', id);
  return rec;
}

/** `items[0][price]` (with optional `[id]` and `[quantity]`); the emulator's subscriptions have one item. */
function readItemChange(ctx: EmulatorContext, rec: SubscriptionRecord, params: FormObject) {
  const items = optList(params, 'items');
  if (items === undefined) return undefined;
  if (items.length !== 1) throw invalidRequest('The emulator supports exactly one item.', 'items');
  const item = asObject(items[0], 'items[0]');
  const current = firstItem(rec.subscription);
  const itemId = optString(item, 'id', 'items[0][id]');
  if (itemId !== undefined && itemId !== current.id) {
    throw missingReference('subscription item', itemId, 'items[0][id]');
  }
  const priceId = optString(item, 'price', 'items[0][price]');
  const price = priceId === undefined ? current.price : ctx.state.prices.get(priceId);
  if (price === undefined) throw missingReference('price', priceId ?? '', 'items[0][price]');
  const quantity = optInt(item, 'quantity', 'items[0][quantity]');
  if (quantity !== undefined && quantity < 1)
    throw invalidRequest('Quantity must be at least 1.', 'items[0][quantity]');
  return { price, quantity };
}

/** `payment_behavior`: the default `allow_incomplete`, or `pending_if_incomplete`; the others are not emulated. */
function paymentBehavior(params: FormObject): UpdateBehavior {
  const value = optString(params, 'payment_behavior') ?? 'allow_incomplete';
  if (value === 'allow_incomplete' || value === 'pending_if_incomplete') return value;
  if (value === 'default_incomplete' || value === 'error_if_incomplete')
    throw invalidRequest(
      `The emulator does not run payment_behavior=${value} on updates.`,
      'payment_behavior',
    );
  throw invalidRequest(`Invalid payment_behavior: ${value}`, 'payment_behavior');
}

export function subscriptionRoutes(ctx: EmulatorContext): Hono {
  const app = new Hono();

  app.get(
    '/v1/subscriptions/:id',
    apiRoute(ctx, ({ path }) => requireSubscription(ctx, path.id ?? '').subscription),
  );

  app.get(
    '/v1/subscriptions',
    apiRoute(ctx, ({ params }) => {
      const customer = optString(params, 'customer');
      const price = optString(params, 'price');
      const status = optString(params, 'status');
      if (status !== undefined && !STATUSES.has(status))
        throw invalidRequest(`Invalid status: ${status}`, 'status');
      const items = newestFirst(ctx.state.subscriptions.values())
        .map((r) => r.subscription)
        .filter((s) => {
          // Without a status filter Stripe leaves canceled subscriptions out.
          const statusOk =
            status === 'all' ||
            (status === undefined && s.status !== 'canceled' && s.status !== 'incomplete_expired') ||
            (status === 'ended' && (s.status === 'canceled' || s.status === 'incomplete_expired')) ||
            s.status === status;
          return (
            statusOk &&
            (customer === undefined || s.customer === customer) &&
            (price === undefined || firstItem(s).price.id === price) &&
            matchesCreated(s.created, params)
          );
        });
      return paginate(items, params, '/v1/subscriptions');
    }),
  );

  app.post(
    '/v1/subscriptions/:id',
    apiRoute(ctx, ({ path, params }) => {
      const rec = requireSubscription(ctx, path.id ?? '');
      const subscription = rec.subscription;
      // Everything is read and checked before anything changes, so a 400 leaves no half-done update.
      const metadata = applyMetadata(subscription.metadata, params);
      const comment = optObject(params, 'cancellation_details')?.comment;
      const atPeriodEnd = optBool(params, 'cancel_at_period_end');
      const cancelAtGiven = params.cancel_at !== undefined;
      const cancelAt = optInt(params, 'cancel_at') ?? null;
      const itemChange = readItemChange(ctx, rec, params);
      const proration = optString(params, 'proration_behavior');
      if (proration !== undefined && !['none', 'create_prorations', 'always_invoice'].includes(proration))
        throw invalidRequest(`Invalid proration_behavior: ${proration}`, 'proration_behavior');
      if (proration !== undefined && proration !== 'none')
        throw invalidRequest(
          'The emulator does not prorate: pass proration_behavior=none.',
          'proration_behavior',
        );
      const trialText = optString(params, 'trial_end');
      const trialEnd = trialText === 'now' ? 'now' : optInt(params, 'trial_end');
      const behavior = paymentBehavior(params);
      // The pinned API takes an object: `billing_cycle_anchor[type]` = now | unchanged.
      const anchorParam = optObject(params, 'billing_cycle_anchor', 'billing_cycle_anchor');
      const anchor = anchorParam && optString(anchorParam, 'type', 'billing_cycle_anchor[type]');
      if (anchorParam !== undefined && anchor !== 'now' && anchor !== 'unchanged')
        throw invalidRequest(
          `Invalid billing_cycle_anchor[type]: ${anchor ?? '(missing)'}`,
          'billing_cycle_anchor[type]',
        );
      if (behavior === 'pending_if_incomplete') {
        assertPendingParams(params);
        if (trialEnd === 'now')
          throw invalidRequest(
            'The emulator runs pending updates of billing_cycle_anchor=now, not of trial_end=now.',
            'trial_end',
          );
      }
      if (atPeriodEnd !== undefined || cancelAtGiven || itemChange !== undefined || trialEnd !== undefined) {
        assertNotCanceled(subscription);
      }
      if (cancelAt !== null && cancelAt <= ctx.state.now) {
        throw invalidRequest('cancel_at must be in the future.', 'cancel_at');
      }
      if (trialEnd !== undefined && subscription.status !== 'trialing') {
        throw invalidRequest('The emulator only changes trial_end on a trialing subscription.', 'trial_end');
      }
      if (typeof trialEnd === 'number' && trialEnd <= ctx.state.now) {
        throw invalidRequest('trial_end must be in the future or "now".', 'trial_end');
      }
      if (anchor === 'now') {
        // The change is billed now: it holds once paid (or, allow_incomplete, past due), else waits.
        updateSubscription(ctx, rec, () => {
          subscription.metadata = metadata;
          if (atPeriodEnd !== undefined) setCancelAtPeriodEnd(ctx, rec, atPeriodEnd);
          if (cancelAtGiven) setCancelAt(ctx, rec, cancelAt);
        });
        billNow(ctx, rec, itemChange, behavior);
        return subscription;
      }
      updateSubscription(ctx, rec, () => {
        subscription.metadata = metadata;
        if (typeof comment === 'string' && subscription.cancellation_details !== null) {
          subscription.cancellation_details.comment = comment === '' ? null : comment;
        }
        if (atPeriodEnd !== undefined) setCancelAtPeriodEnd(ctx, rec, atPeriodEnd);
        if (cancelAtGiven) setCancelAt(ctx, rec, cancelAt);
        if (itemChange !== undefined) changePrice(rec, itemChange.price, itemChange.quantity);
        if (typeof trialEnd === 'number') setTrialEnd(ctx, rec, trialEnd);
      });
      if (trialEnd === 'now') endTrialNow(ctx, rec);
      return subscription;
    }),
  );

  app.delete(
    '/v1/subscriptions/:id',
    apiRoute(ctx, ({ path, params }) => {
      const rec = requireSubscription(ctx, path.id ?? '');
      const comment = optObject(params, 'cancellation_details')?.comment;
      if (typeof comment === 'string' && rec.subscription.cancellation_details !== null) {
        rec.subscription.cancellation_details.comment = comment;
      }
      return cancelNow(ctx, rec, 'cancellation_requested');
    }),
  );

  app.post(
    '/v1/subscriptions/:id/resume',
    apiRoute(ctx, ({ path }) => {
      const rec = requireSubscription(ctx, path.id ?? '');
      resume(ctx, rec);
      return rec.subscription;
    }),
  );

  return app;
}
