/**
 * @module The metrics' members by status from running counts (triggers on memberships and readers),
 * written once and run on every door: after sign-ups, status changes of every kind, ends passing,
 * deletions and an undeletion, the answer equals a count of every membership row by row
 * (`effectiveStatusSql`, the definition).
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { effectiveStatusSql } from '../../src/db/memberships';
import { memberships, readers } from '../../src/db/schema';
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
  });
}
