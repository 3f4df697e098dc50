/**
 * @module The metrics from running counts (triggers on memberships, readers and Stripe events),
 * written once and run on every door: after sign-ups, status changes of every kind, ends passing,
 * paid events coming, moving and going, deletions and an undeletion, every figure equals its
 * definition counted row by row (`effectiveStatusSql` for members by status).
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { effectiveStatusSql } from '../../src/db/memberships';
import { memberships, readers, stripeEvents } from '../../src/db/schema';
import { MEMBERSHIP_STATUSES } from '../../src/domain/membership';
import { type Door, signUp } from '../support/door';

/** Every membership of a reader not deleted, by effective status now: the definition, row by row. */
async function counted(door: Door) {
  const now = new Date();
  const rows = await door.query<{ status: string; n: number }>(
    sql`select ${effectiveStatusSql(now)} as status, count(*) as n from ${memberships}
        join ${readers} on ${readers.id} = ${memberships.readerId} where ${readers.deletedAt} is null group by 1`,
  );
  const members = Object.fromEntries(MEMBERSHIP_STATUSES.map((s) => [s, 0]));
  for (const r of rows) members[r.status] = Number(r.n);
  const [paying] = await door.query<{ n: number }>(
    sql`select count(*) as n from ${memberships} join ${readers} on ${readers.id} = ${memberships.readerId}
        where ${readers.deletedAt} is null and (${memberships.status} = 'active'
          or (${memberships.status} = 'past_due' and coalesce(${memberships.graceUntil}, 0) > ${Math.floor(now.getTime() / 1000)}))`,
  );
  return { members, active_paying: Number(paying?.n) };
}

const PAID = sql`('active', 'past_due', 'canceled')`;

/** The period figures and gift members of `[from, to)` (seconds), by their definitions, row by row. */
async function periodCounted(door: Door, from: number, to: number) {
  const t = Math.floor(Date.now() / 1000);
  const everPaid = sql`exists (select 1 from ${stripeEvents} e where e.reader_id = ${memberships.readerId} and e.status_after in ${PAID})`;
  const [row] = await door.query<Record<string, number>>(sql`select
    (select count(*) from ${readers} join ${memberships} on ${memberships.readerId} = ${readers.id}
      where ${readers.createdAt} >= ${from} and ${readers.createdAt} < ${to} and ${memberships.trialEndsAt} is not null) as started,
    (select count(*) from ${readers} join ${memberships} on ${memberships.readerId} = ${readers.id}
      where ${readers.createdAt} >= ${from} and ${readers.createdAt} < ${to} and ${memberships.trialEndsAt} is not null and ${everPaid}) as converted,
    (select count(*) from ${memberships} where ${everPaid} and (
      (${memberships.status} = 'expired' and ${memberships.updatedAt} >= ${from} and ${memberships.updatedAt} < ${to})
      or (${memberships.status} = 'canceled' and ${memberships.currentPeriodEnd} >= ${from}
        and ${memberships.currentPeriodEnd} < ${to} and ${memberships.currentPeriodEnd} <= ${t}))) as churned,
    (select count(*) from ${memberships} join ${readers} on ${readers.id} = ${memberships.readerId}
      where ${readers.deletedAt} is null and ${memberships.status} = 'comped'
        and ${memberships.compReason} like 'gift:%' and coalesce(${memberships.compUntil}, 0) > ${t}) as gifted`);
  return {
    trials_started: Number(row?.started),
    trials_converted: Number(row?.converted),
    churned: Number(row?.churned),
    gift_members: Number(row?.gifted),
  };
}

async function periodAnswered(door: Door, query = '') {
  const res = await door.call('GET', `/v1/admin/metrics${query}`, { token: door.adminKey });
  expect(res.status, res.text).toBe(200);
  const from = Date.parse(`${res.json.from}T00:00:00Z`) / 1000;
  const to = Date.parse(`${res.json.to}T00:00:00Z`) / 1000 + 86_400;
  return {
    answer: {
      trials_started: res.json.trials_started,
      trials_converted: res.json.trials_converted,
      churned: res.json.churned,
      gift_members: res.json.gifts.live_members,
    },
    from,
    to,
  };
}

/** Every figure equals its definition, over the default period (up to today) and one ended before it. */
async function expectPeriods(door: Door) {
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  for (const query of ['', `?from=${day(-40)}&to=${day(-1)}`, `?from=${day(-3)}&to=${day(0)}`]) {
    const { answer, from, to } = await periodAnswered(door, query);
    expect(answer, query).toEqual(await periodCounted(door, from, to));
  }
  expect(await answered(door)).toEqual(await counted(door));
}

async function answered(door: Door) {
  const res = await door.call('GET', '/v1/admin/metrics', { token: door.adminKey });
  expect(res.status, res.text).toBe(200);
  return { members: res.json.members, active_paying: res.json.active_paying };
}

export function memberCountsJourney(door: () => Door): void {
  describe('members by status from running counts', () => {
    it('equal a row-by-row count through every kind of change', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await signUp(door())).reader.id as string);
      expect(await answered(door())).toEqual(await counted(door()));
      const at = (days: number) => Math.floor(Date.now() / 1000) + days * 86_400;
      const set = (id: string, status: string, column: string, value: number | null) =>
        door().query(
          sql`update memberships set status = ${status}, ${sql.raw(column)} = ${value} where reader_id = ${id}`,
        );
      await set(ids[0] as string, 'active', 'current_period_end', at(20));
      await set(ids[1] as string, 'past_due', 'grace_until', at(3));
      await set(ids[2] as string, 'past_due', 'grace_until', at(-1));
      await set(ids[3] as string, 'canceled', 'current_period_end', at(5));
      await set(ids[4] as string, 'canceled', 'current_period_end', at(-5));
      await set(ids[5] as string, 'comped', 'comp_until', at(30));
      await set(ids[6] as string, 'comped', 'comp_until', null);
      await set(ids[7] as string, 'trialing', 'trial_ends_at', at(-1));
      await set(ids[8] as string, 'expired', 'trial_ends_at', at(-10));
      expect(await answered(door())).toEqual(await counted(door()));
      // A status set to what it already was changes no count.
      await set(ids[0] as string, 'active', 'current_period_end', at(25));
      // Deleted readers leave the counts, whatever their status; an undeletion brings one back.
      for (const id of [ids[1], ids[3], ids[9]] as string[]) {
        await door().query(sql`update readers set deleted_at = ${at(0)} where id = ${id}`);
      }
      await door().query(sql`update readers set deleted_at = ${at(0)} where id = ${ids[1] as string}`);
      await door().query(sql`update readers set deleted_at = null where id = ${ids[9] as string}`);
      // A deleted reader's membership changing status moves no count.
      await set(ids[3] as string, 'expired', 'current_period_end', at(-1));
      const after = await answered(door());
      expect(after).toEqual(await counted(door()));
      expect(Object.values(after.members).reduce((a: number, b) => a + Number(b), 0)).toBeGreaterThan(0);
    });

    it('period figures and gift members equal their definitions through every kind of change', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await signUp(door())).reader.id as string);
      const id = (i: number) => ids[i] as string;
      const now = Math.floor(Date.now() / 1000);
      const at = (seconds: number) => now + seconds;
      const DAY = 86_400;
      const q = (statement: ReturnType<typeof sql>) => door().query(statement);
      let events = 0;
      const paidEvent = (reader: string | null, status = 'active') =>
        q(sql`insert into stripe_events (id, type, stripe_created_at, reader_id, outcome, status_after, source, processed_at)
          values (${`evt_counts_${reader}_${events++}_${now}`}, 'customer.subscription.updated', ${now}, ${reader}, 'applied', ${status}, 'webhook', ${now})`);
      // Sign-ups on other days: in the default period, before it, and in the ended period.
      await q(sql`update readers set created_at = ${at(-10 * DAY)} where id = ${id(0)}`);
      await q(sql`update readers set created_at = ${at(-100 * DAY)} where id = ${id(1)}`);
      await q(sql`update readers set created_at = ${at(-20 * DAY)} where id = ${id(2)}`);
      await expectPeriods(door());
      // Paid events: converting trials, one reader twice, one event not paid, one for no reader.
      await paidEvent(id(0));
      await paidEvent(id(0), 'past_due');
      await paidEvent(id(2));
      await paidEvent(id(3), 'expired');
      await paidEvent(null);
      await expectPeriods(door());
      // Churn: expired now and on an earlier day; canceled earlier today, days ago, and later on.
      const set = (reader: string, assignments: ReturnType<typeof sql>) =>
        q(sql`update memberships set ${assignments} where reader_id = ${reader}`);
      await set(id(0), sql`status = 'expired', updated_at = ${at(0)}`);
      await set(id(2), sql`status = 'expired', updated_at = ${at(-5 * DAY)}`);
      await paidEvent(id(4));
      await paidEvent(id(5));
      await paidEvent(id(6));
      await set(
        id(4),
        sql`status = 'canceled', current_period_end = ${Math.max(at(-120), now - (now % DAY))}`,
      );
      await set(id(5), sql`status = 'canceled', current_period_end = ${at(-2 * DAY)}`);
      await set(id(6), sql`status = 'canceled', current_period_end = ${at(3 * DAY)}`);
      await expectPeriods(door());
      // Gift comps: ending within the hour, in hours, in days; one comp that is not a gift.
      await set(id(7), sql`status = 'comped', comp_reason = 'gift:gft_1', comp_until = ${at(300)}`);
      await set(id(8), sql`status = 'comped', comp_reason = 'gift:gft_2', comp_until = ${at(3 * 3600)}`);
      await set(id(9), sql`status = 'comped', comp_reason = 'staff', comp_until = ${at(5 * DAY)}`);
      await expectPeriods(door());
      // Ends move, a trial is taken away, the gift changes, a day updated moves.
      await set(id(7), sql`comp_until = ${at(40 * DAY)}`);
      await set(id(8), sql`comp_reason = 'staff'`);
      await set(id(1), sql`trial_ends_at = null`);
      await set(id(3), sql`trial_ends_at = null`);
      await set(id(0), sql`updated_at = ${at(-3 * DAY)}`);
      await set(id(6), sql`current_period_end = ${at(-DAY)}`);
      await expectPeriods(door());
      // Paid events move to another reader, turn unpaid, and go.
      await q(sql`update stripe_events set reader_id = ${id(9)} where reader_id = ${id(5)}`);
      await q(sql`update stripe_events set status_after = 'expired' where reader_id = ${id(4)}`);
      await q(sql`delete from stripe_events where reader_id = ${id(2)}`);
      await q(sql`update stripe_events set status_after = 'active' where reader_id = ${id(3)}`);
      await expectPeriods(door());
      // Readers deleted, undeleted and purged: the purge cascades to memberships and events.
      await q(sql`update readers set deleted_at = ${now} where id in (${id(7)}, ${id(8)})`);
      await q(sql`update readers set deleted_at = null where id = ${id(8)}`);
      await expectPeriods(door());
      await q(sql`delete from readers where id in (${id(0)}, ${id(3)}, ${id(7)})`);
      await q(sql`delete from memberships where reader_id = ${id(6)}`);
      const last = await periodAnswered(
        door(),
        `?from=${new Date((now - 40 * DAY) * 1000).toISOString().slice(0, 10)}`,
      );
      expect(last.answer).toEqual(await periodCounted(door(), last.from, last.to));
      expect(last.answer.trials_started + last.answer.churned).toBeGreaterThan(0);
      expect(await answered(door())).toEqual(await counted(door()));
    });
  });
}
