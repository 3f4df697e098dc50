/** @module Data for the console browser tests: reads, trial claims and daily snapshots written straight to the store, so the charts have known figures. */
import { dailyMetrics, memberships, readers, reads, stripeEvents, trialClaims } from '../../src/db/schema';
import type { Stack } from './stack';

export const DAY_MS = 86_400_000;
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Per day (0 = today, 1 = yesterday…): how many reads the demo publisher gets, each by its own reader. */
export const READS_BY_DAYS_AGO = [0, 4, 7, 2, 9] as const;

export async function seedConsoleData(stack: Stack): Promise<{ lastMonth: string; lastMonthReads: number }> {
  const now = Date.now();
  const rows: (typeof reads.$inferInsert)[] = [];
  READS_BY_DAYS_AGO.forEach((n, ago) => {
    for (let i = 0; i < n; i++) {
      rows.push({
        publisherId: stack.publisherId,
        subject: `seed-subject-${ago}-${i}`,
        articleId: i % 2 === 0 ? 'night-buses-approved' : 'harbour-tunnel-delayed',
        day: dayOf(now - ago * DAY_MS),
        membership: 'paid',
        title: i % 2 === 0 ? 'Night buses approved' : 'Harbour tunnel delayed',
        url: null,
        createdAt: new Date(now - ago * DAY_MS),
      });
    }
  });
  // Last month: 6 more reads (the recent days may fall in it too), for a payout statement.
  const first = new Date(now);
  const lastMonthStart = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() - 1, 3);
  const lastMonth = dayOf(lastMonthStart).slice(0, 7);
  for (let i = 0; i < 6; i++) {
    rows.push({
      publisherId: stack.publisherId,
      subject: `seed-last-month-${i}`,
      articleId: 'night-buses-approved',
      day: dayOf(lastMonthStart + (i % 3) * DAY_MS),
      membership: 'paid',
      title: 'Night buses approved',
      url: null,
      createdAt: new Date(lastMonthStart),
    });
  }
  for (let i = 0; i < rows.length; i += 10) await stack.ctx.db.insert(reads).values(rows.slice(i, i + 10));
  // Trials started: 3 two days ago, 5 three days ago.
  const claims = [
    ...Array.from({ length: 3 }, (_, i) => ({
      identityHash: `seed-claim-a${i}`,
      claimedAt: new Date(now - 2 * DAY_MS),
    })),
    ...Array.from({ length: 5 }, (_, i) => ({
      identityHash: `seed-claim-b${i}`,
      claimedAt: new Date(now - 3 * DAY_MS),
    })),
  ];
  await stack.ctx.db.insert(trialClaims).values(claims);
  // The daily snapshot of the last three days before today.
  const snapshot = [
    { ago: 3, active: 11, trialing: 20, past_due: 1, canceled: 2, mrr: 10989 },
    { ago: 2, active: 13, trialing: 18, past_due: 2, canceled: 2, mrr: 12987 },
    { ago: 1, active: 17, trialing: 15, past_due: 1, canceled: 3, mrr: 16983 },
  ];
  await stack.ctx.db.insert(dailyMetrics).values(
    snapshot.flatMap((s) => {
      const day = dayOf(now - s.ago * DAY_MS);
      return [
        { day, metric: 'members.active', value: s.active },
        { day, metric: 'members.trialing', value: s.trialing },
        { day, metric: 'members.past_due', value: s.past_due },
        { day, metric: 'members.canceled', value: s.canceled },
        { day, metric: 'mrr', value: s.mrr },
      ];
    }),
  );
  // A trial cohort 10 days ago: 3 readers, of whom 1 went on to pay (a Stripe event left them active).
  const cohortDay = new Date(now - 10 * DAY_MS);
  for (let i = 0; i < 3; i++) {
    const id = `rdr_seedcohort${String(i).padStart(8, 'a')}`;
    await stack.ctx.db.insert(readers).values({
      id,
      email: `cohort${i}@seed.example`,
      emailKey: `cohort${i}@seed.example`,
      trialIdentity: `cohort${i}@seed.example`,
      createdAt: cohortDay,
      updatedAt: cohortDay,
    });
    await stack.ctx.db.insert(memberships).values({
      readerId: id,
      status: i === 0 ? 'active' : 'expired',
      trialEndsAt: new Date(cohortDay.getTime() + 14 * DAY_MS),
      createdAt: cohortDay,
      updatedAt: cohortDay,
    });
    if (i === 0) {
      await stack.ctx.db.insert(stripeEvents).values({
        id: 'evt_seedcohort0',
        type: 'customer.subscription.updated',
        stripeCreatedAt: cohortDay,
        readerId: id,
        outcome: 'applied',
        statusBefore: 'trialing',
        statusAfter: 'active',
        source: 'webhook',
        processedAt: cohortDay,
      });
    }
  }
  return { lastMonth, lastMonthReads: rows.filter((r) => r.day.startsWith(lastMonth)).length };
}
