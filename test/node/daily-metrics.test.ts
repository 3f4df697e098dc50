/**
 * The daily snapshot behind the operator dashboard's lines: members by effective status and MRR
 * from the Stripe prices (the emulator's), recorded at most every 15 minutes however many runs
 * race for it, and a day's last run is its value. The same run drops the window buckets of past
 * hours, and the metrics answer the same without them.
 */
import { and, eq, sql } from 'drizzle-orm';
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

  it('drops the window buckets of past hours and answers the same metrics without them', async () => {
    const past = await signUp(door);
    const ahead = await signUp(door);
    const now = Date.now() + offset;
    const set = (id: string, end: number) =>
      door.ctx.db
        .update(memberships)
        .set({ status: 'trialing', trialEndsAt: new Date(end) })
        .where(eq(memberships.readerId, id));
    await set(past.reader.id, now - 3 * 3_600_000);
    await set(ahead.reader.id, now + 5 * 3_600_000);
    const hour = Math.floor(now / 3_600_000);
    const buckets = async (when: 'past' | 'ahead') => {
      const [row] = await door.ctx.db.all<{ n: number }>(
        sql`select count(*) as n from count_buckets where kind like 'open:%' and ${
          when === 'past' ? sql`at < ${hour}` : sql`at > ${hour}`
        }`,
      );
      return Number(row?.n);
    };
    const metrics = async () => (await door.call('GET', '/v1/admin/metrics', { token: door.adminKey })).json;
    const before = await metrics();
    expect(await buckets('past')).toBeGreaterThan(0);
    offset += 16 * 60_000;
    expect(await recordDailyMetrics(door.ctx)).toBe(true);
    expect(await buckets('past')).toBe(0);
    expect(await buckets('ahead')).toBeGreaterThan(0);
    expect((await metrics()).members).toEqual(before.members);
  });
});
