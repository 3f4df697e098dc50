/**
 * @module A billing portal session's `flow_data`, checked as Stripe checks it: the emulator runs
 * the `subscription_cancel` flow (with an optional retention coupon offer), the one the service
 * opens; other flow types are refused as not emulated.
 */

import type Stripe from 'stripe';
import type { EmulatorContext } from './context';
import { invalidRequest, missingReference } from './errors';
import { type FormObject, optObject, optString, reqString } from './form';

export function portalFlow(
  ctx: EmulatorContext,
  customer: string,
  params: FormObject,
): Stripe.BillingPortal.Session.Flow | null {
  const data = optObject(params, 'flow_data', 'flow_data');
  if (data === undefined) return null;
  const type = reqString(data, 'type', 'flow_data[type]');
  if (type !== 'subscription_cancel')
    throw invalidRequest(
      `The emulator runs only the subscription_cancel flow, not ${type}.`,
      'flow_data[type]',
    );
  const cancel = optObject(data, 'subscription_cancel', 'flow_data[subscription_cancel]');
  if (cancel === undefined)
    throw invalidRequest(
      'Missing required param: flow_data[subscription_cancel].',
      'flow_data[subscription_cancel]',
    );
  const subscription = reqString(cancel, 'subscription', 'flow_data[subscription_cancel][subscription]');
  const rec = ctx.state.subscriptions.get(subscription);
  if (rec === undefined || rec.subscription.customer !== customer)
    throw missingReference('subscription', subscription, 'flow_data[subscription_cancel][subscription]');
  if (rec.subscription.status === 'canceled' || rec.subscription.cancel_at_period_end)
    throw invalidRequest(
      'You can’t create a portal session that cancels a subscription that is already canceled or set to cancel.',
      'flow_data[subscription_cancel][subscription]',
    );
  let retention: Stripe.BillingPortal.Session.Flow.SubscriptionCancel.Retention | null = null;
  const offer = optObject(cancel, 'retention', 'flow_data[subscription_cancel][retention]');
  if (offer !== undefined) {
    const p = 'flow_data[subscription_cancel][retention]';
    if (reqString(offer, 'type', `${p}[type]`) !== 'coupon_offer')
      throw invalidRequest(`Invalid ${p}[type]: must be coupon_offer`, `${p}[type]`);
    const couponOffer = optObject(offer, 'coupon_offer', `${p}[coupon_offer]`);
    const coupon =
      couponOffer === undefined ? '' : reqString(couponOffer, 'coupon', `${p}[coupon_offer][coupon]`);
    if (!ctx.state.coupons.has(coupon))
      throw missingReference('coupon', coupon, `${p}[coupon_offer][coupon]`);
    retention = { type: 'coupon_offer', coupon_offer: { coupon } };
  }
  const after = optObject(data, 'after_completion', 'flow_data[after_completion]');
  const afterType =
    after === undefined ? 'portal_homepage' : reqString(after, 'type', 'flow_data[after_completion][type]');
  if (!['portal_homepage', 'redirect', 'hosted_confirmation'].includes(afterType))
    throw invalidRequest(
      `Invalid flow_data[after_completion][type]: ${afterType}`,
      'flow_data[after_completion][type]',
    );
  const redirect =
    afterType === 'redirect' && after !== undefined
      ? {
          return_url: reqString(
            optObject(after, 'redirect', 'flow_data[after_completion][redirect]') ?? {},
            'return_url',
            'flow_data[after_completion][redirect][return_url]',
          ),
        }
      : null;
  return {
    type: 'subscription_cancel',
    after_completion: {
      type: afterType as Stripe.BillingPortal.Session.Flow.AfterCompletion.Type,
      redirect,
      hosted_confirmation:
        afterType === 'hosted_confirmation'
          ? {
              custom_message:
                optString(optObject(after ?? {}, 'hosted_confirmation') ?? {}, 'custom_message') ?? null,
            }
          : null,
    },
    subscription_cancel: { subscription, retention },
    customer_update: null,
    subscription_pause: null,
    subscription_update: null,
    subscription_update_confirm: null,
  } as Stripe.BillingPortal.Session.Flow;
}
