/** @module Stripe Checkout for a plan: the reader's Stripe customer (made once) and a subscription session. */
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { toMembership } from '../../db/memberships';
import { memberships } from '../../db/schema';
import { canStillCharge, checkoutTrialEnd } from '../../domain/billing';
import type { Plan } from '../../domain/membership';
import { epochSeconds } from '../../domain/time';
import type { Authenticated } from '../readers';
import { assertReturnUrl } from './return-url';
import { priceOfPlan } from './snapshot';
import { callStripe } from './stripe';

export interface CheckoutInput {
  plan: Plan;
  /** Absolute URL Stripe sends the reader to after paying; default: the checkout success page. */
  successUrl?: string | undefined;
  /** Absolute URL for "back" on Stripe's page; default: the checkout cancel page. */
  cancelUrl?: string | undefined;
}

/**
 * The reader's Stripe customer, created once. Concurrent first checkouts send the same idempotency
 * key, so Stripe answers both with one customer; the conditional update then keeps the first link.
 */
async function ensureCustomer(ctx: AppContext, who: Authenticated): Promise<string> {
  const row = who.membershipRow;
  if (row?.stripeCustomerId) return row.stripeCustomerId;
  const readerId = who.reader.id;
  // The key changes when the link is cleared (customer deleted), so a new customer can be made.
  const generation = row ? epochSeconds(row.updatedAt) : 0;
  const customer = await callStripe(ctx, 'customers.create', (stripe) =>
    stripe.customers.create(
      { email: who.reader.email ?? undefined, metadata: { reader_id: readerId } },
      { idempotencyKey: `customer-${readerId}-${generation}` },
    ),
  );
  await ctx.db
    .update(memberships)
    .set({ stripeCustomerId: customer.id })
    .where(and(eq(memberships.readerId, readerId), isNull(memberships.stripeCustomerId)));
  const [linked] = await ctx.db
    .select({ id: memberships.stripeCustomerId })
    .from(memberships)
    .where(eq(memberships.readerId, readerId))
    .limit(1);
  if (!linked?.id) throw new ApiError('not_found', 'The reader has no membership.');
  return linked.id;
}

/** Creates a subscription-mode Checkout Session for the reader and returns its URL. */
export async function startCheckout({
  ctx,
  principal: who,
  input,
}: UseCase<CheckoutInput, Authenticated>): Promise<{ url: string }> {
  const base = ctx.config.publicUrl;
  const successUrl = input.successUrl ?? `${base}/subscribe/success?session_id={CHECKOUT_SESSION_ID}`;
  const cancelUrl = input.cancelUrl ?? `${base}/subscribe/cancel`;
  await assertReturnUrl(ctx, successUrl, 'success_url');
  await assertReturnUrl(ctx, cancelUrl, 'cancel_url');
  const membership = toMembership(who.membershipRow);
  if (!membership) throw new ApiError('not_found', 'The reader has no membership.');

  const customer = await ensureCustomer(ctx, who);
  const existing = await callStripe(ctx, 'subscriptions.list', (stripe) =>
    stripe.subscriptions.list({ customer, status: 'all', limit: 20 }),
  );
  if (existing.data.some((s) => canStillCharge(s.status))) {
    throw new ApiError(
      'conflict',
      'There is already a subscription on this account: manage it in the billing portal.',
    );
  }

  const readerId = who.reader.id;
  const trialEnd = checkoutTrialEnd(membership, ctx.now());
  const session = await callStripe(ctx, 'checkout.sessions.create', (stripe) =>
    stripe.checkout.sessions.create(
      {
        mode: 'subscription',
        customer,
        client_reference_id: readerId,
        metadata: { reader_id: readerId },
        line_items: [{ price: priceOfPlan(ctx.config, input.plan), quantity: 1 }],
        allow_promotion_codes: true,
        subscription_data: {
          metadata: { reader_id: readerId },
          ...(trialEnd ? { trial_end: epochSeconds(trialEnd) } : {}),
        },
        success_url: successUrl,
        cancel_url: cancelUrl,
      },
      { idempotencyKey: `checkout-${readerId}-${crypto.randomUUID()}` },
    ),
  );
  if (!session.url) throw new ApiError('unavailable', 'Stripe did not return a checkout URL.');
  ctx.logger.info('checkout started', {
    reader_id: readerId,
    plan: input.plan,
    stripe_trial: trialEnd !== null,
  });
  return { url: session.url };
}
