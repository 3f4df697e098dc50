/** @module The Stripe billing portal: a session for the reader's Stripe customer, back to an allowed page. */
import type { UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import type { Authenticated } from '../readers';
import { forgetMissingCustomer } from './checkout';
import { assertReturnUrl } from './return-url';
import { callStripeUnlessMissing } from './stripe';

/** Creates a Stripe billing portal session; 409 when the reader has never checked out. */
export async function openBillingPortal({
  ctx,
  principal: who,
  input,
}: UseCase<{ returnUrl?: string | undefined }, Authenticated>): Promise<{ url: string }> {
  const customer = who.membershipRow?.stripeCustomerId;
  if (!customer) throw new ApiError('conflict', 'There is no billing account yet: subscribe first.');
  const returnUrl = input.returnUrl ?? `${ctx.config.publicUrl}/account`;
  await assertReturnUrl(ctx, returnUrl, 'return_url');
  const session = await callStripeUnlessMissing(ctx, 'billingPortal.sessions.create', (stripe) =>
    stripe.billingPortal.sessions.create(
      {
        customer,
        return_url: returnUrl,
        // The saved configuration (`npm run stripe:setup`); without one, the account's default.
        ...(ctx.config.stripe.portalConfiguration
          ? { configuration: ctx.config.stripe.portalConfiguration }
          : {}),
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
