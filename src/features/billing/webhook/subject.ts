/**
 * @module What a Stripe event is about: the membership behind a reader id or a Stripe customer, and
 * the subscription as Stripe has it now (re-fetched, so the state applied is always Stripe's latest).
 */
import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Config } from '../../../app/config';
import type { AppContext } from '../../../app/context';
import { type Db, preparedPerDatabase } from '../../../db/client';
import type { MembershipRow } from '../../../db/memberships';
import { memberships, readers } from '../../../db/schema';
import { canStillCharge, governingOf } from '../../../domain/billing';
import { freshCoalescer } from '../../../lib/coalesce';
import { oncePer } from '../../../lib/once-per';
import { callStripe, isMissingResource } from '../stripe';

/** The membership an event changes, with the address its mail goes to. */
export interface Target {
  row: MembershipRow;
  email: string | null;
}

/** The membership (with the reader's email and deletion) behind a reader id or a Stripe customer. */
function membershipBy(db: Db, key: 'readerId' | 'stripeCustomerId') {
  return db
    .select({ row: memberships, email: readers.email, deletedAt: readers.deletedAt })
    .from(memberships)
    .innerJoin(readers, eq(readers.id, memberships.readerId))
    .where(eq(memberships[key], sql.placeholder('key')))
    .limit(1)
    .prepare();
}
const membershipByReader = preparedPerDatabase((db) => membershipBy(db, 'readerId'));
const membershipByCustomer = preparedPerDatabase((db) => membershipBy(db, 'stripeCustomerId'));

/** The live membership behind the reader id (first) or the customer; null for none or a deleted reader. */
export async function findTarget(
  ctx: AppContext,
  by: { readerId?: string | null | undefined; customerId?: string | null | undefined },
): Promise<Target | null> {
  let found: { row: MembershipRow; email: string | null; deletedAt: Date | null } | undefined;
  if (by.readerId) found = await membershipByReader(ctx.db).get({ key: by.readerId });
  if (!found && by.customerId) found = await membershipByCustomer(ctx.db).get({ key: by.customerId });
  if (!found || found.deletedAt !== null) return null;
  return { row: found.row, email: found.email };
}

/** Per configuration (so per Stripe account): concurrent re-fetches of one subscription. */
const subscriptionFetches = oncePer((_config: Config) => freshCoalescer<Stripe.Subscription | null>());

/**
 * The subscription as Stripe has it now: read after this call was made. Where the runtime lets
 * requests share I/O (Node), the read is shared with other events about the same subscription
 * that arrive while it is being read (src/lib/coalesce.ts); on Workers each request reads alone.
 * Callers only read the object.
 */
export async function fetchSubscription(ctx: AppContext, id: string): Promise<Stripe.Subscription | null> {
  const read = () =>
    callStripe(ctx, 'subscriptions.retrieve', async (stripe) => {
      try {
        return await stripe.subscriptions.retrieve(id);
      } catch (err) {
        if (isMissingResource(err)) return null;
        throw err;
      }
    });
  return ctx.sharesIoAcrossRequests ? subscriptionFetches(ctx.config)(id, read) : read();
}

/**
 * A customer can have had several subscriptions (canceled, then a new one; or a duplicate not yet
 * ended): the membership follows the one `governingOf` picks. A late event about an old
 * subscription changes nothing.
 */
export async function governingSubscription(
  ctx: AppContext,
  eventSub: Stripe.Subscription,
  linkedId: string | null,
): Promise<Stripe.Subscription> {
  if (!linkedId || linkedId === eventSub.id) return eventSub;
  const linked = await fetchSubscription(ctx, linkedId);
  return linked ? governingOf(linked, eventSub) : eventSub;
}

/**
 * A Checkout finished after its account was deleted leaves a subscription nobody can use: it must
 * not bill anyone, so it is canceled at once (Stripe then sends its own deleted event). True when
 * the reader is deleted: the event will never match a membership.
 */
export async function cancelIfReaderDeleted(
  ctx: AppContext,
  sub: Stripe.Subscription,
  readerId: string | null | undefined,
): Promise<boolean> {
  if (!readerId) return false;
  const [row] = await ctx.db
    .select({ deletedAt: readers.deletedAt })
    .from(readers)
    .where(eq(readers.id, readerId))
    .limit(1);
  if (!row?.deletedAt) return false;
  if (!canStillCharge(sub.status)) return true;
  await callStripe(ctx, 'subscriptions.cancel', (stripe) => stripe.subscriptions.cancel(sub.id));
  ctx.logger.warn('canceled the subscription of a deleted account', {
    reader_id: readerId,
    subscription: sub.id,
  });
  return true;
}

/** Whether Stripe has deleted this customer (a deleted customer is still retrievable, marked `deleted`). */
export async function customerDeleted(ctx: AppContext, customerId: string): Promise<boolean> {
  return callStripe(ctx, 'customers.retrieve', async (stripe) => {
    try {
      const customer = await stripe.customers.retrieve(customerId);
      return customer.deleted === true;
    } catch (err) {
      if (isMissingResource(err)) return true;
      throw err;
    }
  });
}
