/**
 * @module The owner's Stripe subscription billed for its seats: quantity = the owner and every
 * seat (taken or invited), set to what the database holds, without proration (the new quantity is
 * billed from the next renewal, or at the end of a Stripe trial).
 */
import { count, eq } from 'drizzle-orm';
import type { AppContext } from '../../app/context';
import { seats } from '../../db/schema';
import { seatQuantity } from '../../domain/seats';
import { callStripe } from './stripe';

export async function seatsOf(ctx: AppContext, ownerReaderId: string): Promise<number> {
  const [row] = await ctx.db.select({ n: count() }).from(seats).where(eq(seats.ownerReaderId, ownerReaderId));
  return row?.n ?? 0;
}

/**
 * Sets the subscription's quantity to the seats stored now. Each call reads the count afresh and
 * sets an absolute quantity, so concurrent changes converge: the last call to finish counts
 * after every change before it, and it checks once more that nothing moved meanwhile.
 * Returns the quantity Stripe bills.
 */
export async function syncSeatQuantity(
  ctx: AppContext,
  ownerReaderId: string,
  subscriptionId: string,
): Promise<number> {
  let quantity = seatQuantity(await seatsOf(ctx, ownerReaderId));
  for (let round = 0; round < 3; round++) {
    const subscription = await callStripe(ctx, 'subscriptions.retrieve', (stripe) =>
      stripe.subscriptions.retrieve(subscriptionId),
    );
    const item = subscription.items.data[0];
    if (item === undefined) return quantity;
    if (item.quantity !== quantity) {
      await callStripe(ctx, 'subscriptions.update', (stripe) =>
        stripe.subscriptions.update(subscriptionId, {
          items: [{ id: item.id, quantity }],
          proration_behavior: 'none',
        }),
      );
      ctx.logger.info('seat quantity set', { subscription: subscriptionId, quantity, was: item.quantity });
    }
    const now = seatQuantity(await seatsOf(ctx, ownerReaderId));
    if (now === quantity) return quantity;
    quantity = now;
  }
  return quantity;
}
