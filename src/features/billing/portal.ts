/**
 * @module The Stripe billing portal: a session for the reader's Stripe customer, back to an allowed
 * page; or straight into the portal's cancellation flow, with the retention offer when configured.
 */
import type Stripe from 'stripe';
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { canCancelSubscription } from '../../domain/membership';
import type { Authenticated } from '../readers';
import { forgetMissingCustomer } from './checkout';
import { assertReturnUrl } from './return-url';
import { callStripeUnlessMissing } from './stripe';

/** Where the portal opens: its home page, or the cancellation of the reader's subscription. */
export type PortalFlow = 'home' | 'cancel';

/** Creates a Stripe billing portal session; 409 when there is no billing account or nothing to cancel. */
export async function openBillingPortal({
  ctx,
  principal: who,
  input,
}: UseCase<{ returnUrl?: string | undefined; flow?: PortalFlow | undefined }, Authenticated>): Promise<{
  url: string;
}> {
  const row = who.membershipRow;
  const customer = row?.stripeCustomerId;
  if (!customer) throw new ApiError('conflict', 'There is no billing account yet: subscribe first.');
  const returnUrl = input.returnUrl ?? `${ctx.config.publicUrl}/account`;
  await assertReturnUrl(ctx, returnUrl, 'return_url');
  let flowData: Stripe.BillingPortal.SessionCreateParams.FlowData | undefined;
  if (input.flow === 'cancel') {
    if (!canCancelSubscription(row))
      throw new ApiError('conflict', 'There is no subscription to cancel: it has ended or is set to end.');
    flowData = cancelFlow(row.stripeSubscriptionId, returnUrl, ctx.config.stripe.retentionCoupon);
  }
  const session = await callStripeUnlessMissing(ctx, 'billingPortal.sessions.create', (stripe) =>
    stripe.billingPortal.sessions.create(
      {
        customer,
        return_url: returnUrl,
        // The saved configuration (`npm run stripe:setup`); without one, the account's default.
        ...(ctx.config.stripe.portalConfiguration
          ? { configuration: ctx.config.stripe.portalConfiguration }
          : {}),
        ...(flowData ? { flow_data: flowData } : {}),
      },
      { idempotencyKey: `portal-${who.reader.id}-${crypto.randomUUID()}` },
    ),
  );
  if (session === null) {
    // Stripe no longer has this customer: say so for good, and let the next checkout make a new one.
    await forgetMissingCustomer(ctx, who.reader.id, customer);
    throw new ApiError(
      'conflict',
      'There is no billing account at Stripe any more: subscribe again to make one.',
    );
  }
  return { url: session.url };
}

/**
 * The portal's `subscription_cancel` flow: the configuration's cancellation reasons, a coupon
 * offered to stay (Stripe applies it to the subscription if accepted), then back to `returnUrl`.
 */
function cancelFlow(
  subscription: string,
  returnUrl: string,
  coupon: string | undefined,
): Stripe.BillingPortal.SessionCreateParams.FlowData {
  return {
    type: 'subscription_cancel',
    subscription_cancel: {
      subscription,
      ...(coupon ? { retention: { type: 'coupon_offer', coupon_offer: { coupon } } } : {}),
    },
    after_completion: { type: 'redirect', redirect: { return_url: returnUrl } },
  };
}
