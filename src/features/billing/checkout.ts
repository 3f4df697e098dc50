/** @module Stripe Checkout for a plan: the reader's Stripe customer (made once) and a subscription session. */
import { and, eq, isNull } from 'drizzle-orm';
import type { AppContext, UseCase } from '../../app/context';
import { ApiError } from '../../app/errors';
import { toMembership } from '../../db/memberships';
import { memberships } from '../../db/schema';
import { blocksCheckout, checkoutTrialEnd, replacedByCheckout } from '../../domain/billing';
import type { Plan } from '../../domain/membership';
import { epochSeconds, wholeSeconds } from '../../domain/time';
import type { Authenticated } from '../readers';
import { checkoutPricing } from './prices';
import { assertReturnUrl } from './return-url';
import { priceOfPlan } from './snapshot';
import { callStripe, callStripeUnlessMissing, isMissingResource, type Stripe } from './stripe';

export interface CheckoutInput {
  plan: Plan;
  /** Absolute URL Stripe sends the reader to after paying; default: the checkout success page. */
  successUrl?: string | undefined;
  /** Absolute URL for "back" on Stripe's page; default: the checkout cancel page. */
  cancelUrl?: string | undefined;
  /** The currency the reader was shown (one the prices offer); default: the prices' own. */
  currency?: string | undefined;
}

/**
 * The reader's Stripe customer, created once. Concurrent first checkouts send the same idempotency
 * key, so Stripe answers both with one customer; the conditional update then keeps the first link.
 */
async function ensureCustomer(ctx: AppContext, who: Authenticated, replacing?: string): Promise<string> {
  const row = replacing ? null : who.membershipRow;
  if (row?.stripeCustomerId) return row.stripeCustomerId;
  const readerId = who.reader.id;
  // The key changes when the link is cleared (customer deleted), so a new customer can be made.
  const generation = replacing ? `after-${replacing}` : row ? epochSeconds(row.updatedAt) : 0;
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

/**
 * Stripe no longer knows the reader's customer (deleted without its webhook reaching us, a test
 * account reset, a restarted emulator): the stale link is cleared, conditionally on it being the
 * one that failed, so the next customer is a new one. The membership itself is untouched.
 */
export async function forgetMissingCustomer(
  ctx: AppContext,
  readerId: string,
  customer: string,
): Promise<void> {
  await ctx.db
    .update(memberships)
    .set({ stripeCustomerId: null, updatedAt: wholeSeconds(ctx.now()) })
    .where(and(eq(memberships.readerId, readerId), eq(memberships.stripeCustomerId, customer)));
  ctx.logger.warn('stripe customer missing: link cleared, a new customer will be made', {
    reader_id: readerId,
    stripe_customer: customer,
  });
}

interface SessionRequest {
  who: Authenticated;
  plan: Plan;
  /** The end of the reader's free trial as Checkout may set it, or null (no Stripe trial). */
  trialEnd: Date | null;
  successUrl: string;
  cancelUrl: string;
  currency?: string | undefined;
}

/** Stripe refused the request as it stands (400: the session or subscription has moved on) or has no such object. */
function alreadyOver(err: unknown): boolean {
  const status =
    typeof err === 'object' && err !== null ? (err as { statusCode?: unknown }).statusCode : null;
  return status === 400 || isMissingResource(err);
}

/**
 * Before a new Checkout Session: the reader's stale `incomplete` and `paused` subscriptions (a
 * first payment that failed or waits for 3-D Secure, a trial ended without a card) are ended, and
 * the open sessions expired, so that two sessions completed cannot make two subscriptions. A
 * session completed meanwhile (Stripe then refuses to expire it) is left to the webhook, which
 * ends a second subscription at once.
 */
async function clearTheWay(
  ctx: AppContext,
  readerId: string,
  customer: string,
  subscriptions: Stripe.Subscription[],
): Promise<void> {
  for (const stale of subscriptions.filter((s) => replacedByCheckout(s.status))) {
    await callStripe(ctx, 'subscriptions.cancel', (stripe) =>
      stripe.subscriptions.cancel(stale.id).catch((err: unknown) => {
        if (alreadyOver(err)) return null;
        throw err;
      }),
    );
    ctx.logger.info('stale subscription ended before a new checkout', {
      reader_id: readerId,
      subscription: stale.id,
      status: stale.status,
    });
  }
  const open = await callStripe(ctx, 'checkout.sessions.list', (stripe) =>
    stripe.checkout.sessions.list({ customer, status: 'open', limit: 10 }),
  );
  for (const session of open.data) {
    await callStripe(ctx, 'checkout.sessions.expire', (stripe) =>
      stripe.checkout.sessions.expire(session.id).catch((err: unknown) => {
        // Completed or expired since it was listed: nothing to expire.
        if (alreadyOver(err)) return null;
        throw err;
      }),
    );
  }
}

/** The Checkout Session for `customer`, or which customer Stripe said it does not have. */
async function checkoutFor(
  ctx: AppContext,
  { who, plan, trialEnd, successUrl, cancelUrl, currency }: SessionRequest,
  customer: string,
): Promise<Stripe.Checkout.Session | { missing: string }> {
  const existing = await callStripeUnlessMissing(ctx, 'subscriptions.list', (stripe) =>
    stripe.subscriptions.list({ customer, status: 'all', limit: 20 }),
  );
  if (existing === null) return { missing: customer };
  if (existing.data.some((s) => blocksCheckout(s.status))) {
    throw new ApiError(
      'conflict',
      'There is already a subscription on this account: manage it in the billing portal.',
    );
  }
  const readerId = who.reader.id;
  await clearTheWay(ctx, readerId, customer, existing.data);
  const session = await callStripeUnlessMissing(ctx, 'checkout.sessions.create', (stripe) =>
    stripe.checkout.sessions.create(
      {
        mode: 'subscription',
        customer,
        client_reference_id: readerId,
        metadata: { reader_id: readerId },
        line_items: [{ price: priceOfPlan(ctx.config, plan), quantity: 1 }],
        allow_promotion_codes: true,
        ...checkoutPricing(ctx, currency),
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
  return session ?? { missing: customer };
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

  // A customer Stripe no longer has is a permanent answer, not a moment's trouble: heal once with a
  // new customer instead of failing for ever.
  const trialEnd = checkoutTrialEnd(membership, ctx.now());
  const request: SessionRequest = {
    who,
    plan: input.plan,
    trialEnd,
    successUrl,
    cancelUrl,
    currency: input.currency,
  };
  let session = await checkoutFor(ctx, request, await ensureCustomer(ctx, who));
  if ('missing' in session) {
    await forgetMissingCustomer(ctx, who.reader.id, session.missing);
    const customer = await ensureCustomer(ctx, who, session.missing);
    session = await checkoutFor(ctx, request, customer);
    if ('missing' in session)
      throw new ApiError('unavailable', 'Billing is unavailable right now. Please try again in a moment.');
  }
  if (!session.url) throw new ApiError('unavailable', 'Stripe did not return a checkout URL.');
  ctx.logger.info('checkout started', {
    reader_id: who.reader.id,
    plan: input.plan,
    stripe_trial: trialEnd !== null,
  });
  return { url: session.url };
}
