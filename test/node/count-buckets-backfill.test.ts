/**
 * @module Migration 0024's backfill fills `count_buckets` exactly as its triggers keep it: on a
 * database with readers in every window, paid events and deleted readers, the buckets recomputed
 * from the rows by the migration's own INSERTs equal the ones the triggers left.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { signUp } from '../support/door';
import { startNodeDoor } from '../support/node-door';

const backfill = readFileSync(new URL('../../migrations/0024_count_buckets.sql', import.meta.url), 'utf8')
  .split('--> statement-breakpoint')
  .map((s) => s.trim())
  .filter((s) => s.startsWith('INSERT INTO `count_buckets`'));

const door = await startNodeDoor({ LOG_LEVEL: 'silent' });
afterAll(() => door.close());

const buckets = () =>
  door.query<{ kind: string; at: number; n: number }>(
    sql`select kind, at, n from count_buckets where n <> 0 order by kind, at`,
  );

describe('count_buckets backfill', () => {
  it('recomputes from the rows what the triggers kept', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await signUp(door)).reader.id as string);
    const now = Math.floor(Date.now() / 1000);
    const set = (i: number, assignments: ReturnType<typeof sql>) =>
      door.query(sql`update memberships set ${assignments} where reader_id = ${ids[i] as string}`);
    const paid = (i: number) =>
      door.query(sql`insert into stripe_events (id, type, stripe_created_at, reader_id, outcome, status_after, source, processed_at)
        values (${`evt_backfill_${i}`}, 'customer.subscription.updated', ${now}, ${ids[i] as string}, 'applied', 'active', 'webhook', ${now})`);
    for (const i of [0, 1, 2, 3]) await paid(i);
    await set(0, sql`status = 'expired', updated_at = ${now - 86_400}`);
    await set(1, sql`status = 'canceled', current_period_end = ${now - 3 * 86_400}`);
    await set(2, sql`status = 'canceled', current_period_end = ${now + 9 * 86_400}`);
    await set(3, sql`status = 'past_due', grace_until = ${now + 2 * 86_400}`);
    await set(4, sql`status = 'comped', comp_reason = 'gift:gft_b', comp_until = ${now + 30 * 86_400}`);
    await set(5, sql`trial_ends_at = null, status = 'expired'`);
    await door.query(
      sql`update readers set created_at = ${now - 40 * 86_400} where id = ${ids[6] as string}`,
    );
    await door.query(sql`update readers set deleted_at = ${now} where id = ${ids[7] as string}`);
    const kept = await buckets();
    expect(new Set(kept.map((b) => b.kind.split(':')[0]))).toEqual(new Set(['open', 'signup', 'churn']));
    await door.query(sql`delete from count_buckets`);
    for (const statement of backfill) await door.query(sql.raw(statement));
    expect(await buckets()).toEqual(kept);
  });
});
