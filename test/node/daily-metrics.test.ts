/**
 * The daily snapshot behind the operator dashboard's lines: members by effective status and MRR
 * from the Stripe prices (the emulator's), recorded at most every 15 minutes however many runs
 * race for it, and a day's last run is its value.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyMetrics, memberships } from '../../src/db/schema';
import { stripeFor } from '../../src/features/billing';
import { recordDailyMetrics } from '../../src/features/console';
import { startStripeEmulator } from '../../tools/stripe-emulator';
import { signUp } from '../support/door';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let door: NodeDoor;
let emulator: Awaited<ReturnType<typeof startStripeEmulator>>;
let offset = 0;

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, deliveryMode: 'pull', log: () => {} });
  door = await startNodeDoor(
    { STRIPE_API_BASE: emulator.url },
    { clock: () => new Date(Date.now() + offset) },
  );
});

afterAll(async () => {
  await emulator?.close();
});

async function value(day: string, metric: string): Promise<number | undefined> {
  const [row] = await door.ctx.db
    .select()
    .from(dailyMetrics)
    .where(and(eq(dailyMetrics.day, day), eq(dailyMetrics.metric, metric)));
  return row?.value;
}

describe('recordDailyMetrics', () => {
  it('records members by status and MRR, once per 15 minutes, whoever runs it', async () => {
    const a = await signUp(door);
    await signUp(door);
    // One of them pays monthly: the emulator's monthly price is its MRR.
    await door.ctx.db
      .update(memberships)
      .set({ status: 'active', plan: 'monthly', currentPeriodEnd: new Date(Date.now() + 20 * 86_400_000) })
      .where(eq(memberships.readerId, a.reader.id));
    const price = await stripeFor(door.ctx.config).prices.retrieve(door.ctx.config.stripe.prices.monthly);
    expect(price.unit_amount).toBeGreaterThan(0);
    const day = new Date().toISOString().slice(0, 10);

    expect(await recordDailyMetrics(door.ctx)).toBe(true);
    expect(await value(day, 'members.trialing')).toBe(1);
    expect(await value(day, 'members.active')).toBe(1);
    expect(await value(day, 'mrr')).toBe(price.unit_amount);
    expect(await recordDailyMetrics(door.ctx)).toBe(false);

    offset = 16 * 60_000;
    const runs = await Promise.all([1, 2, 3, 4].map(() => recordDailyMetrics(door.ctx)));
    expect(runs.filter(Boolean)).toHaveLength(1);
  });
});
